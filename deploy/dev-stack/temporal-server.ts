// A real Temporal server (not the dev server) on Postgres persistence, on loopback: the production topology's
// Temporal for the tests, built from its Go module by deploy/tools/go-tools.sh.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import pg from 'pg';
import { stringify } from 'yaml';

export class TemporalServerError extends Error {
  override name = 'TemporalServerError';
}

export const TEMPORAL_SERVER_HELP =
  'Build the Temporal server and its SQL tool (a few minutes, once): `deploy/tools/go-tools.sh temporal`, ' +
  'then set KEEP_TEMPORAL_SERVER_DIR to the folder it prints.';

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

/** The binaries in `dir` ($KEEP_TEMPORAL_SERVER_DIR), or undefined when either is missing. */
export function findTemporalServer(
  dir = process.env.KEEP_TEMPORAL_SERVER_DIR,
): TemporalServerBinaries | undefined {
  if (!dir) return undefined;
  const binaries = { server: join(dir, 'temporal-server'), sqlTool: join(dir, 'temporal-sql-tool') };
  try {
    accessSync(binaries.server, constants.X_OK);
    accessSync(binaries.sqlTool, constants.X_OK);
    return binaries;
  } catch {
    return undefined;
  }
}

export interface TemporalServerOptions {
  binaries: TemporalServerBinaries;
  /** A Postgres URL whose role may create databases; Temporal gets databases of its own there. */
  postgresUrl: string;
  /** The persistence and visibility database names (default `temporal`, `temporal_visibility`). */
  databases?: { default: string; visibility: string };
  namespace?: string;
  /** The eight service ports of an earlier start: a restart keeps the address its clients know. */
  ports?: number[];
}

export interface RunningTemporalServer {
  address: string;
  namespace: string;
  /** The service ports, to start the server again on the same address. */
  ports: number[];
  stop(): Promise<void>;
  /** SIGKILL, as a crash would end it (fault tests). */
  kill(): Promise<void>;
}

const run = promisify(execFile);

/** Creates the databases when absent and brings both schemas to the version these binaries expect. */
async function setupTemporalSchema(
  sqlTool: string,
  postgresUrl: string,
  databases: { default: string; visibility: string },
): Promise<void> {
  const url = new URL(postgresUrl);
  // The password goes through the environment, never the command line (which `ps` shows).
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: url.hostname,
    SQL_PORT: url.port || '5432',
    SQL_USER: decodeURIComponent(url.username),
    SQL_PASSWORD: decodeURIComponent(url.password),
  };
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    for (const [name, schema] of [
      [databases.default, 'postgresql/v12/temporal'],
      [databases.visibility, 'postgresql/v12/visibility'],
    ] as const) {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
      const db = { ...env, SQL_DATABASE: name };
      // Both steps are idempotent: setup only adds the version tables, update applies what is missing.
      await run(sqlTool, ['--plugin', 'postgres12', 'setup-schema', '-v', '0.0'], { env: db });
      await run(sqlTool, ['--plugin', 'postgres12', 'update-schema', '--schema-name', schema], { env: db });
    }
  } catch (cause) {
    throw new TemporalServerError(`setting up the Temporal schema in ${databases.default} failed`, { cause });
  } finally {
    await admin.end();
  }
}

/** The server's static config: Postgres persistence, every service on loopback, no metrics or pprof ports. */
function temporalServerConfig(
  postgresUrl: string,
  databases: { default: string; visibility: string },
  ports: number[],
): string {
  const url = new URL(postgresUrl);
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${url.hostname}:${url.port || '5432'}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (index: number) => ({
    rpc: { grpcPort: ports[index], membershipPort: ports[index + 4], bindOnLocalHost: true },
  });
  return stringify({
    log: { stdout: true, level: 'error' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: {
        'postgres-default': store(databases.default, 10),
        'postgres-visibility': store(databases.visibility, 2),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: { frontend: service(0), history: service(1), matching: service(2), worker: service(3) },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports[0]}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
  });
}

/** Sets up the schema, starts `temporal-server`, waits for its frontend and registers the namespace. */
export async function startTemporalServer(options: TemporalServerOptions): Promise<RunningTemporalServer> {
  const databases = options.databases ?? { default: 'temporal', visibility: 'temporal_visibility' };
  const namespace = options.namespace ?? 'default';
  await setupTemporalSchema(options.binaries.sqlTool, options.postgresUrl, databases);
  const ports: number[] = [...(options.ports ?? [])];
  while (ports.length < 8) {
    const port = await freeMembershipPort();
    if (!ports.includes(port)) ports.push(port);
  }
  const dir = await mkdtemp(join(tmpdir(), 'keep-temporal-server-'));
  await chmod(dir, 0o700);
  const configFile = join(dir, 'config.yaml');
  // The config holds the Postgres password: readable by this user only.
  await writeFile(configFile, temporalServerConfig(options.postgresUrl, databases, ports), {
    mode: 0o600,
  });
  const server = spawn(options.binaries.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its log (errors only, on stdout) is kept for the error message should it fail to start.
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  const address = `127.0.0.1:${ports[0]}`;
  const stop = async () => {
    await stopProcess(server);
    await rm(dir, { recursive: true, force: true });
  };
  const kill = async () => {
    await stopProcess(server, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const connection = await waitForFrontend(address, server, () => output);
    try {
      await registerNamespace(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (cause) {
    await stop();
    throw new TemporalServerError(`the Temporal server did not start: ${output.trim().slice(-1000)}`, {
      cause,
    });
  }
  return { address, namespace, ports, stop, kill };
}

async function waitForFrontend(
  address: string,
  server: ChildProcess,
  output: () => string,
): Promise<Connection> {
  const deadline = Date.now() + 120_000; // a busy 2-core machine starts it in well under a minute
  for (;;) {
    if (server.exitCode !== null)
      throw new TemporalServerError(`temporal-server exited (${server.exitCode})`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (cause) {
      if (Date.now() > deadline)
        throw new TemporalServerError(`no answer from ${address}: ${output().slice(-500)}`, { cause });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Registers `namespace` unless it exists, then waits until the frontend serves it (its cache refreshes). */
async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  const service = connection.workflowService;
  try {
    await service.describeNamespace({ namespace });
  } catch {
    await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') });
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await service.listOpenWorkflowExecutions({ namespace, maximumPageSize: 1 });
      return;
    } catch (cause) {
      if (Date.now() > deadline)
        throw new TemporalServerError(`namespace ${namespace} never became ready`, { cause });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * A free loopback port below 32768: Temporal stores membership ports in a Postgres smallint, so the kernel's
 * ephemeral ports (32768 and up, what `listen(0)` hands out) make the server fail at start.
 */
async function freeMembershipPort(): Promise<number> {
  for (;;) {
    const port = 10_000 + randomInt(22_768);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** `signal` (SIGTERM by default), then SIGKILL if the server has not exited within 10 s. */
async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
