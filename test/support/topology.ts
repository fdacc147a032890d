// Keep's production topology on one machine, for fault tests: a Postgres of its own (so killing it starves no
// other test file), the real Temporal server on it, `keep core`, `keep admin` and two `keep edge` processes on one
// edge database, each started through cli/keep.ts from its environment and each restartable after a SIGKILL, and a
// TCP balancer that hands every device connection to a random live edge.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { generateToken, hashToken } from '../../admin/auth/token-hash.js';
import { coreProcessConfig, type CoreProcessConfig } from '../../core/config/config.schema.js';
import { loadConfig } from '../../core/config/load-config.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { temporalClientOptions } from '../../core/temporal/connection-options.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../deploy/dev-stack/postgres.js';
import {
  startTemporalServer,
  type RunningTemporalServer,
  type TemporalServerBinaries,
} from '../../deploy/dev-stack/temporal-server.js';
import { provisionRoles, type PlaneRoles } from '../../runtime/db/provision.js';
import { waitHealthy } from '../bench/edge-process.js';
import { createFakeApns, type RunningFakeApns } from '../fakes/apns/fake-apns.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { createTestPushCertificate } from './push-cert.js';
import { freePort } from './start-stack.js';
import { createTestCa, issueLoopbackServerCertificate } from './test-ca.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** One part of the topology that a fault test kills (SIGKILL) and starts again with the same configuration. */
export interface Restartable {
  readonly name: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** A Keep process's last output lines (errors only at its log level), for a failure message. */
  output?(): string;
}

/** A `keep <command>` process configured by its environment; `healthUrl` answers 200 once it serves. */
function keepProcess(
  name: string,
  command: string,
  env: Record<string, string>,
  ready: (child: ChildProcess, output: () => string) => Promise<void>,
): Restartable & { stop(): Promise<void>; output(): string } {
  let child: ChildProcess | undefined;
  let output = '';
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => c.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (!child) return;
    const c = child;
    child = undefined;
    const done = exited(c);
    c.kill(signal);
    const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  };
  return {
    name,
    async start() {
      const c = spawn(process.execPath, ['--import', 'tsx', 'cli/keep.ts', command], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', KEEP_LOG_LEVEL: 'error', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      // The last lines explain a failed start or a crash; at level error a healthy process prints little.
      output += `\n[started ${new Date().toISOString()}]\n`;
      const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
      c.stdout.on('data', keep);
      c.stderr.on('data', keep);
      // A part that dies by itself (not killed by the test) is a finding of its own: say when and how.
      c.once('exit', (code, signal) => {
        if (child === c) output += `\n[exited by itself ${new Date().toISOString()}: ${signal ?? code}]\n`;
      });
      await ready(c, () => output);
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    output: () => output,
  };
}

/** The embedded Postgres as a restartable part: SIGKILL of the postmaster and its backends, then a start. */
function restartablePostgres(options: { dataDir: string; port: number; password: string }) {
  let running: RunningPostgres | undefined;
  const postmasterPid = async (dataDir: string) =>
    Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  return {
    name: 'postgres',
    url: () => running!.url,
    async start() {
      running = await startEmbeddedPostgres(options);
    },
    async kill() {
      const pid = await postmasterPid(running!.dataDir);
      // Backends would exit on their own once the postmaster is gone; a machine crash takes them at once.
      const pids = [pid, ...(await childrenOf(pid))];
      for (const p of pids) signalIfAlive(p, 'SIGKILL');
      for (const p of pids) while (alive(p)) await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async stop() {
      await running?.stop();
    },
  };
}

/** A backend listed a moment ago may have exited since (ESRCH): that one needs no signal. */
function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function childrenOf(parent: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (in parentheses, which may hold spaces): state, then the parent's pid.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === parent) children.push(Number(entry));
  }
  return children;
}

/** How the balancer picks an edge for a connection: at random, or each live edge in turn. */
export type BalancerRouting = 'random' | 'alternate';

/** A layer-4 balancer on loopback: each connection goes to an edge that is up (as a health-checked LB). */
async function startBalancer(edges: { port: number; up: () => boolean }[]): Promise<{
  port: number;
  route(routing: BalancerRouting): void;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let routing: BalancerRouting = 'random';
  let turn = 0;
  const server: Server = createServer((client) => {
    const live = edges.filter((edge) => edge.up());
    const index = routing === 'random' ? Math.floor(Math.random() * live.length) : turn++ % live.length;
    const edge = live[index];
    if (!edge) return client.destroy();
    const upstream = connect(edge.port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    route: (next) => {
      routing = next;
      turn = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface Topology {
  /** Where devices reach the edges (the balancer), and the CA of the edges' TLS certificate. */
  edgeUrl: string;
  edgeCaPem: string;
  /** Random by default; `alternate` sends each new connection to the other edge (a device moving between them). */
  route(routing: BalancerRouting): void;
  admin: { baseUrl: string; token: string };
  database: TestDatabase;
  coreConfig: CoreProcessConfig;
  temporal: Client;
  /** The parts a fault test kills: both edges, the core worker, Postgres and the Temporal server. */
  parts: {
    edges: [Restartable, Restartable];
    core: Restartable;
    admin: Restartable;
    postgres: Restartable;
    temporal: Restartable;
  };
  close(): Promise<void>;
}

export async function startTopology(options: {
  binaries: TemporalServerBinaries;
  workflowBundle: string;
}): Promise<Topology> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const dir = await mkdtemp(join(tmpdir(), 'keep-topology-'));
    await chmod(dir, 0o711);
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const postgres = restartablePostgres({
      dataDir: join(dir, 'postgres'),
      port: await freePort(),
      password: randomBytes(18).toString('base64url'),
    });
    await postgres.start();
    closers.push(async () => {
      await postgres.stop();
      await rm(join(dir, 'postgres'), { recursive: true, force: true });
    });
    const roles: PlaneRoles = {
      edge: { name: 'keep_edge', password: randomBytes(18).toString('base64url') },
      core: { name: 'keep_core', password: randomBytes(18).toString('base64url') },
    };
    await provisionRoles(postgres.url(), roles);

    const databases = { default: 'temporal', visibility: 'temporal_visibility' };
    let server: RunningTemporalServer = await startTemporalServer({
      binaries: options.binaries,
      postgresUrl: postgres.url(),
      databases,
    });
    closers.push(() => server.stop());
    const temporalPart: Restartable = {
      name: 'temporal',
      kill: () => server.kill(),
      async start() {
        server = await startTemporalServer({
          binaries: options.binaries,
          postgresUrl: postgres.url(),
          databases,
          ports: server.ports,
        });
      },
    };

    const payloadKeys = KeyRing.generateSpec('topology-1');
    const database = await createTestDatabase({
      postgresUrl: postgres.url(),
      roles,
      temporalAddress: server.address,
      temporalNamespace: server.namespace,
      workflowBundle: options.workflowBundle,
      payloadKeys,
    });
    closers.push(() => database.drop());
    const temporalEnv = {
      KEEP_TEMPORAL_ADDRESS: server.address,
      KEEP_TEMPORAL_NAMESPACE: server.namespace,
      KEEP_TEMPORAL_PAYLOAD_KEYS: payloadKeys,
    };

    const tlsCa = createTestCa('Keep Topology TLS CA');
    const tls = issueLoopbackServerCertificate(tlsCa);
    const pushCa = createTestCa('Keep Topology Push CA');
    const apns: RunningFakeApns = await createFakeApns({ clientCaPem: pushCa.certPem }).start();
    closers.push(() => apns.close());
    await writeFile(join(dir, 'tls.crt'), tls.certPem);
    await writeFile(join(dir, 'tls.key'), tls.keyPem, { mode: 0o600 });
    await writeFile(join(dir, 'apns-ca.pem'), apns.caPem);

    const edgePorts = [await freePort(), await freePort()];
    const edgeUp = [false, false];
    const balancer = await startBalancer(edgePorts.map((port, i) => ({ port, up: () => edgeUp[i]! })));
    closers.push(() => balancer.close());
    const edgeUrl = `https://127.0.0.1:${balancer.port}`;

    const coreEnv = {
      ...temporalEnv,
      KEEP_DATABASE_URL: database.coreUrl,
      KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('topology-core'),
      KEEP_CORE_TASK_QUEUE: 'core',
      KEEP_CORE_WORKFLOW_BUNDLE: options.workflowBundle,
      KEEP_CORE_EDGE_TASK_QUEUES: 'edge',
      KEEP_CORE_EDGE_PUBLIC_URL: edgeUrl,
    };
    const coreConfig = loadConfig(coreProcessConfig, { env: coreEnv });
    const connection = await Connection.connect({ address: server.address });
    closers.push(() => connection.close());
    const temporal = new Client({ connection, ...temporalClientOptions(coreConfig.temporal) });
    // The core has no HTTP port: it is up once it polls, which a finished edge provisioning shows the first time.
    const core = keepProcess('core', 'core', coreEnv, async (child, output) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (child.exitCode !== null) throw new Error(`keep core exited:\n${output()}`);
    });
    await core.start();
    closers.push(() => core.stop());

    const edgeSecretKeys = KeyRing.generateSpec('topology-edge');
    const edges = edgePorts.map((port, i) => {
      const baseUrl = `https://127.0.0.1:${port}`;
      const part = keepProcess(
        `edge ${i + 1}`,
        'edge',
        {
          ...temporalEnv,
          KEEP_EDGE_DATABASE_URL: database.edgeUrl,
          KEEP_EDGE_TASK_QUEUE: 'edge',
          KEEP_EDGE_CORE_TASK_QUEUE: 'core',
          KEEP_EDGE_SECRET_KEYS: edgeSecretKeys,
          KEEP_EDGE_APNS_URL: apns.url,
          KEEP_EDGE_APNS_CA_FILE: join(dir, 'apns-ca.pem'),
          KEEP_EDGE_TLS_CERT_FILE: join(dir, 'tls.crt'),
          KEEP_EDGE_TLS_KEY_FILE: join(dir, 'tls.key'),
          KEEP_EDGE_PUBLIC_URL: edgeUrl,
          KEEP_EDGE_LISTEN: `127.0.0.1:${port}`,
        },
        (child, output) => waitHealthy(`keep edge ${i + 1}`, baseUrl, () => child.exitCode, output),
      );
      return {
        name: part.name,
        stop: async () => {
          edgeUp[i] = false;
          await part.stop();
        },
        async kill() {
          edgeUp[i] = false;
          await part.kill();
        },
        async start() {
          await part.start();
          edgeUp[i] = true;
        },
        output: () => part.output(),
      };
    });
    for (const edge of edges) {
      await edge.start();
      closers.push(() => edge.stop());
    }
    await temporal.workflow.getHandle(workflowIds.edgeProvisioning('edge')).result();

    const token = generateToken();
    const adminPort = await freePort();
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    const admin = keepProcess(
      'admin',
      'admin',
      {
        ...temporalEnv,
        KEEP_DATABASE_URL: database.coreUrl,
        KEEP_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
        KEEP_ADMIN_BOOTSTRAP_TOKEN_HASH: hashToken(token),
        KEEP_ADMIN_CORE_TASK_QUEUE: 'core',
        KEEP_ADMIN_EDGE_TASK_QUEUE: 'edge',
      },
      (child, output) => waitHealthy('keep admin', adminUrl, () => child.exitCode, output),
    );
    await admin.start();
    closers.push(() => admin.stop());

    // Pushes go to the fake APNs through a push certificate imported as an admin would.
    const push = createTestPushCertificate({ ca: pushCa });
    const imported = await fetch(`${adminUrl}/v1/push-certificate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ certPem: push.certPem, keyPem: push.keyPem }),
    });
    if (imported.status !== 202) throw new Error(`push certificate import answered ${imported.status}`);
    const { workflowId } = (await imported.json()) as { workflowId: string };
    await temporal.workflow.getHandle(workflowId).result();

    return {
      edgeUrl,
      edgeCaPem: tlsCa.certPem,
      route: (routing) => balancer.route(routing),
      admin: { baseUrl: adminUrl, token },
      database,
      coreConfig,
      temporal,
      parts: {
        edges: [edges[0]!, edges[1]!],
        core,
        admin,
        postgres,
        temporal: temporalPart,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
