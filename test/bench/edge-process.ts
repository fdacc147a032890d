// Runs `keep edge` as a process of its own, configured through its environment, so its RSS and CPU are its own.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/start-stack.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface EdgeProcessOptions {
  /** KEEP_* settings of the edge (database, Temporal, task queues, key ring); listen, TLS and APNs CA are added here. */
  env: Record<string, string>;
  tls?: { certPem: string; keyPem: string };
  /** The fake APNs' CA, written to a file for `edge.apnsCaFile`. */
  apnsCaPem?: string;
  /** The port to listen on, when the caller must know it first (the core writes the edge's URL into profiles). */
  port?: number;
}

export interface EdgeProcess {
  /** e.g. `https://127.0.0.1:41234`. */
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startEdgeProcess(options: EdgeProcessOptions): Promise<EdgeProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'keep-bench-edge-'));
  const files: Record<string, string> = {};
  if (options.tls) {
    await writeFile(join(dir, 'tls.crt'), options.tls.certPem);
    await writeFile(join(dir, 'tls.key'), options.tls.keyPem, { mode: 0o600 });
    files.KEEP_EDGE_TLS_CERT_FILE = join(dir, 'tls.crt');
    files.KEEP_EDGE_TLS_KEY_FILE = join(dir, 'tls.key');
  }
  if (options.apnsCaPem) {
    await writeFile(join(dir, 'apns-ca.pem'), options.apnsCaPem);
    files.KEEP_EDGE_APNS_CA_FILE = join(dir, 'apns-ca.pem');
  }
  const port = options.port ?? (await freePort());
  const baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  // KEEP_BENCH_EDGE_CPU_PROF=<dir>: the edge writes a V8 CPU profile there when it stops, to see where time goes.
  const profileDir = process.env.KEEP_BENCH_EDGE_CPU_PROF;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'cli/keep.ts', 'edge'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KEEP_LOG_LEVEL: 'warn',
      ...options.env,
      ...files,
      KEEP_EDGE_LISTEN: `127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last few lines explain a failed start; a healthy edge at level warn prints little.
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(
      'keep edge',
      baseUrl,
      () => child.exitCode,
      () => output,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, pid: child.pid!, stop };
}

/** Waits for /healthz of `name` to answer 200, over TLS or not, or for the process to exit. */
export async function waitHealthy(
  name: string,
  baseUrl: string,
  exitCode: () => number | null,
  output: () => string,
): Promise<void> {
  const deadline = performance.now() + 120_000;
  const url = new URL('/healthz', baseUrl);
  while (performance.now() < deadline) {
    if (exitCode() !== null) throw new Error(`${name} exited with ${exitCode()}:\n${output()}`);
    if (await answers(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not answer ${url.pathname} within 120 s:\n${output()}`);
}

function answers(url: URL): Promise<boolean> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    // The edge's certificate comes from a bench CA; only whether it answers matters here.
    const req = request(url, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
