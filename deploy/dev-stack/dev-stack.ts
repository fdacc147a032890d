// `npm start`: the whole stack on embedded defaults — Postgres, Temporal, core worker, edge, admin API — on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { resolve } from 'node:path';
import { provisionDatabase, provisionRoles, planeUrl, type PlaneRoles } from '../../runtime/db/provision.js';
import { migrateToLatest } from '../../runtime/db/migrate.js';
import { buildWorkflowBundle } from '../../cli/build-workflows.js';
import { loadOrCreateAdminToken } from './admin-token.js';
import { loadOrCreateDevSecrets } from './dev-secrets.js';
import { ensureDevTlsCertificate } from './dev-tls.js';
import { startEmbeddedPostgres } from './postgres.js';
import { supervise, type Supervisor } from './supervise.js';
import { startTemporalDevServer } from './temporal.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { createLogger } from '../../core/log/logger.js';

export interface DevStackOptions {
  stateDir: string;
  postgresPort: number;
  temporalPort: number;
  temporalUiPort: number;
  edgeListen: string;
  adminListen: string;
  /** Simulated devices of the demo fleet (0: no demo). */
  demoDevices: number;
}

export function devStackOptions(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = [],
): DevStackOptions {
  return {
    stateDir: resolve(env.KEEP_STATE_DIR ?? '.state'),
    postgresPort: Number(env.KEEP_DEV_POSTGRES_PORT ?? 55432),
    temporalPort: Number(env.KEEP_DEV_TEMPORAL_PORT ?? 7233),
    temporalUiPort: Number(env.KEEP_DEV_TEMPORAL_UI_PORT ?? 8233),
    edgeListen: env.KEEP_EDGE_LISTEN ?? '127.0.0.1:8443',
    adminListen: env.KEEP_ADMIN_LISTEN ?? '127.0.0.1:8080',
    demoDevices: demoDevices(argv, env),
  };
}

/** `--demo N` on the command line, else KEEP_DEV_DEMO_DEVICES; a bad count stops the start with its reason. */
function demoDevices(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const flag = argv.indexOf('--demo');
  const text = flag >= 0 ? (argv[flag + 1] ?? '') : (env.KEEP_DEV_DEMO_DEVICES ?? '0');
  const count = Number(text);
  if (!Number.isInteger(count) || count < 0 || count > MAX_DEMO_DEVICES)
    throw new RangeError(`--demo: a device count 0..${MAX_DEMO_DEVICES}, not ${JSON.stringify(text)}`);
  return count;
}

const MAX_DEMO_DEVICES = 1_000;

const cliEntry = new URL('../../cli/keep.ts', import.meta.url).pathname;

/** Runs `keep <name>`, and runs it again (with backoff) whenever it dies: one dead part does not stall the rest. */
function startChild(name: string, env: NodeJS.ProcessEnv): Supervisor {
  return supervise(
    () =>
      spawn(process.execPath, ['--import', 'tsx', cliEntry, name], {
        env: { ...process.env, ...env },
        // The IPC channel closes when this process dies, however it dies; the child then stops itself.
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    {
      onRestart: (exit, delayMs) =>
        console.error(`keep ${name} exited (${exit}); starting it again in ${delayMs / 1000} s`),
    },
  );
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function healthStatus(url: string, ca?: Buffer): Promise<number> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolveStatus, reject) => {
    const req = get(url, ca ? { ca } : {}, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

/**
 * Polls /healthz until 200 (the edge's self-signed dev certificate is the only CA trusted for that call);
 * gives up at the deadline, or at once when a process of the stack died (the supervisor would restart it).
 */
async function waitForHealth(
  url: string,
  deadline: number,
  children: Supervisor[],
  ca?: Buffer,
): Promise<void> {
  while (Date.now() < deadline) {
    // A part that dies while starting would only die again: say so instead of restarting it.
    const dead = children.find((child) => child.restarts() > 0 || hasExited(child.current()));
    if (dead) {
      const { spawnargs, signalCode, exitCode } = dead.current();
      throw new Error(
        `${spawnargs.at(-1)} exited during start-up (${signalCode ?? exitCode ?? 'restarted'})`,
      );
    }
    try {
      if ((await healthStatus(url, ca)) === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not become healthy in time`);
}

export async function runDevStack(
  options = devStackOptions(),
  stopAlreadyRequested = () => false,
): Promise<void> {
  const started = Date.now();
  installTemporalRuntime(createLogger('keep-dev', 'warn'));
  // Listen for Ctrl-C from the first moment, so a stop during start-up is as clean as one after it.
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolveStop) => (requestStop = resolveStop));
  process.on('SIGINT', () => requestStop());
  process.on('SIGTERM', () => requestStop());
  if (stopAlreadyRequested()) requestStop();
  // Traversable by the "postgres" user, which owns the cluster folder inside; secrets inside stay 0600.
  mkdirSync(options.stateDir, { recursive: true });
  chmodSync(options.stateDir, 0o711);
  const secrets = loadOrCreateDevSecrets(`${options.stateDir}/dev-secrets.json`);
  const adminTokenFile = `${options.stateDir}/admin-token`;
  const adminToken = loadOrCreateAdminToken(adminTokenFile);
  const postgres = await startEmbeddedPostgres({
    dataDir: `${options.stateDir}/postgres`,
    port: options.postgresPort,
    password: secrets.postgresPassword,
  });
  const temporal = await startTemporalDevServer({
    dbFile: `${options.stateDir}/temporal.db`,
    port: options.temporalPort,
    uiPort: options.temporalUiPort,
  }).catch(async (err: unknown) => {
    await postgres.stop();
    throw err;
  });
  const children: Supervisor[] = [];
  // The demo's modules (simulators, fake APNs) load only when the demo is on.
  const demo = options.demoDevices > 0 ? await import('../demo/dev-stack-demo.js') : undefined;
  let demoStack: Awaited<ReturnType<NonNullable<typeof demo>['startDevStackDemo']>> | undefined;
  const stop = async () => {
    await demoStack?.stop();
    await Promise.all(children.map((child) => child.stop()));
    await temporal.stop();
    await postgres.stop();
  };
  try {
    const roles: PlaneRoles = {
      edge: { name: 'keep_edge', password: secrets.edgePassword },
      core: { name: 'keep_core', password: secrets.corePassword },
    };
    await provisionRoles(postgres.url, roles);
    await provisionDatabase(postgres.url, 'keep', roles);
    const coreUrl = planeUrl(postgres.url, 'keep', roles.core);
    const edgeUrl = planeUrl(postgres.url, 'keep', roles.edge);
    await migrateToLatest('edge', edgeUrl);
    await migrateToLatest('core', coreUrl);
    const bundle = await buildWorkflowBundle(`${options.stateDir}/workflow-bundle.js`);
    const tls = ensureDevTlsCertificate(`${options.stateDir}/tls`);
    demoStack = await demo?.startDevStackDemo(`${options.stateDir}/demo`);
    const common = {
      KEEP_TEMPORAL_ADDRESS: temporal.address,
      KEEP_TEMPORAL_NAMESPACE: temporal.namespace,
      KEEP_TEMPORAL_PAYLOAD_KEYS: secrets.payloadKeys,
    };
    children.push(
      startChild('core', {
        ...common,
        KEEP_DATABASE_URL: coreUrl,
        KEEP_CORE_SECRET_KEYS: secrets.secretKeys,
        KEEP_CORE_WORKFLOW_BUNDLE: bundle,
        // Written into enrolment profiles: the edge's own address, whatever port it was given.
        KEEP_CORE_EDGE_PUBLIC_URL: `https://${options.edgeListen}`,
      }),
      startChild('edge', {
        ...common,
        KEEP_EDGE_DATABASE_URL: edgeUrl,
        KEEP_EDGE_LISTEN: options.edgeListen,
        KEEP_EDGE_PUBLIC_URL: `https://${options.edgeListen}`,
        KEEP_EDGE_TLS_CERT_FILE: tls.certFile,
        KEEP_EDGE_TLS_KEY_FILE: tls.keyFile,
        KEEP_EDGE_PROBE_ENABLED: 'true',
        KEEP_EDGE_SECRET_KEYS: secrets.edgeSecretKeys,
        ...demoStack?.edgeEnv,
      }),
      startChild('admin', {
        ...common,
        KEEP_DATABASE_URL: coreUrl,
        KEEP_ADMIN_LISTEN: options.adminListen,
        KEEP_ADMIN_BOOTSTRAP_TOKEN_HASH: adminToken.tokenHash,
      }),
    );
    const deadline = Date.now() + 90_000;
    await waitForHealth(
      `https://${options.edgeListen}/healthz`,
      deadline,
      children,
      readFileSync(tls.certFile),
    );
    await waitForHealth(`http://${options.adminListen}/healthz`, deadline, children);
    await demoStack?.enrolFleet({
      count: options.demoDevices,
      adminUrl: `http://${options.adminListen}`,
      adminToken: readFileSync(adminTokenFile, 'utf8').trim(),
      edgeCaPem: readFileSync(tls.certFile, 'utf8'),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  console.log(
    [
      '',
      `Keep is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s). State: ${options.stateDir}`,
      `  edge (devices, HTTPS)   https://${options.edgeListen}   (dev certificate: ${options.stateDir}/tls/edge-tls.crt)`,
      `  admin API               http://${options.adminListen}   (bearer token in ${adminTokenFile})`,
      `  Temporal                ${temporal.address}   namespace ${temporal.namespace}`,
      `  Temporal Web UI         ${temporal.uiUrl ?? 'off'}`,
      `  Postgres                127.0.0.1:${options.postgresPort}   database keep (roles keep_edge, keep_core)`,
      ...(demoStack
        ? [`  demo fleet              ${options.demoDevices} simulated devices enrolling now`]
        : []),
      'Ctrl-C stops everything; the next start keeps this state.',
      '',
    ].join('\n'),
  );
  await stopRequested;
  console.log('stopping Keep…');
  await stop();
}
