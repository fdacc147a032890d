// NanoMDM as a yardstick: built from its Go module at a pinned version, run on loopback against a database of its own.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../support/start-stack.js';

const run = promisify(execFile);

export const NANOMDM_MODULE = 'github.com/micromdm/nanomdm';
/** The version this comparison was first measured with; change it deliberately, not by `@latest`. */
export const NANOMDM_VERSION = 'v0.9.0';

export interface NanoMdmBuild {
  binary: string;
  schemaSql: string;
}

/** Thrown when NanoMDM cannot be built or started here; the message says why and what to try. */
export class NanoMdmUnavailableError extends Error {
  override readonly name = 'NanoMdmUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function findGo(): string {
  const candidates = [process.env.GO, '/usr/local/go/bin/go', '/usr/bin/go'].filter(Boolean) as string[];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new NanoMdmUnavailableError(`no Go toolchain (looked at ${candidates.join(', ')})`);
  return found;
}

/** `go install …/cmd/nanomdm@VERSION` into a cache folder, and the Postgres schema its module ships. */
export async function buildNanoMdm(): Promise<NanoMdmBuild> {
  const go = findGo();
  const gobin = join(tmpdir(), 'keep-bench-nanomdm', NANOMDM_VERSION);
  await mkdir(gobin, { recursive: true });
  const target = `${NANOMDM_MODULE}/cmd/nanomdm@${NANOMDM_VERSION}`;
  try {
    await run(go, ['install', target], { env: { ...process.env, GOBIN: gobin }, timeout: 300_000 });
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr?.trim();
    throw new NanoMdmUnavailableError(`go install ${target} failed${stderr ? `: ${stderr}` : ''}`, {
      cause,
    });
  }
  const modCache = (await run(go, ['env', 'GOMODCACHE'])).stdout.trim();
  const schemaPath = join(modCache, `${NANOMDM_MODULE}@${NANOMDM_VERSION}`, 'storage/pgsql/schema.sql');
  if (!existsSync(schemaPath)) throw new NanoMdmUnavailableError(`no schema at ${schemaPath}`);
  return { binary: join(gobin, 'nanomdm'), schemaSql: await readFile(schemaPath, 'utf8') };
}

export interface NanoMdmOptions {
  build: NanoMdmBuild;
  /** Superuser URL of the Postgres to use; NanoMDM gets a fresh database in it. */
  postgresUrl: string;
  /** Trust anchors and intermediates for device identities (NanoMDM's `-ca` and `-intermediate`). */
  caPem: string;
  intermediatePem: string;
}

export interface RunningNanoMdm {
  /** e.g. `http://127.0.0.1:41234`; check-ins and command reports both go to `/mdm`. */
  baseUrl: string;
  pid: number;
  /** The API key (HTTP Basic password of user `nanomdm`) for /v1/enqueue; a secret: never print it. */
  apiKey: string;
  /**
   * Postgres sessions opened on NanoMDM's database so far: Go's database/sql keeps two idle
   * connections unless told otherwise, so concurrency above that reconnects (SCRAM and a backend each time).
   */
  databaseSessions(): Promise<number>;
  stop(): Promise<void>;
}

const DATABASE = 'nanomdm_bench';

async function countSessions(postgresUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ sessions: string }>(
      'SELECT sessions FROM pg_stat_database WHERE datname = $1',
      [DATABASE],
    );
    return Number(rows[0]?.sessions ?? 0);
  } finally {
    await client.end();
  }
}

async function createDatabase(postgresUrl: string, name: string, schemaSql: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(schemaSql);
  } finally {
    await client.end();
  }
  url.searchParams.set('sslmode', 'disable');
  return url.toString();
}

/** Keeps the last lines a process wrote, to explain a failed start without storing a whole log. */
function tail(child: ChildProcess, lines = 20): () => string {
  const kept: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    kept.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    kept.splice(0, Math.max(0, kept.length - lines));
  });
  return () => kept.join('\n');
}

async function waitUntilServing(baseUrl: string, child: ChildProcess, logTail: () => string): Promise<void> {
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (spawnError) throw new NanoMdmUnavailableError('nanomdm could not be started', { cause: spawnError });
    if (child.exitCode !== null) {
      throw new NanoMdmUnavailableError(`nanomdm exited with ${child.exitCode}:\n${logTail()}`);
    }
    try {
      if ((await fetch(`${baseUrl}/version`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new NanoMdmUnavailableError(`nanomdm did not answer /version within 15 s:\n${logTail()}`);
}

/**
 * Runs NanoMDM on 127.0.0.1 with pgsql storage, verifying `Mdm-Signature` against the given CA (its
 * default). The DSN and API key go through its environment, not argv, so `ps` does not show them.
 */
export async function startNanoMdm(options: NanoMdmOptions): Promise<RunningNanoMdm> {
  const dsn = await createDatabase(options.postgresUrl, DATABASE, options.build.schemaSql);
  const dir = await mkdtemp(join(tmpdir(), 'keep-bench-nanomdm-'));
  await writeFile(join(dir, 'ca.pem'), options.caPem);
  await writeFile(join(dir, 'intermediate.pem'), options.intermediatePem);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const apiKey = randomBytes(18).toString('base64url');
  const child = spawn(
    options.build.binary,
    [
      '-listen',
      `127.0.0.1:${port}`,
      '-storage',
      'pgsql',
      '-ca',
      join(dir, 'ca.pem'),
      '-intermediate',
      join(dir, 'intermediate.pem'),
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        NANOMDM_STORAGE_DSN: dsn,
        NANOMDM_API: apiKey,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const logTail = tail(child);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(baseUrl, child, logTail);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl,
    pid: child.pid ?? 0,
    apiKey,
    databaseSessions: () => countSessions(options.postgresUrl),
    stop,
  };
}
