// The README's start command, for real: the whole stack comes up healthy, stops on a signal, and keeps its state.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/global-setup.js';

/** The dev edge's certificate is self-signed: these requests trust it explicitly, nothing else does. */
function call(url: string, body?: string): Promise<{ status: number; text: string }> {
  if (url.startsWith('http:')) {
    return fetch(url, body ? { method: 'POST', body } : {}).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body ? 'POST' : 'GET', rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Waits for 200 from `url`; fails early if the stack process exited. */
async function waitHealthy(url: string, ms: number, stack: ChildProcess): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (stack.exitCode !== null)
      throw new Error(`the stack exited (${stack.exitCode}) before ${url} was healthy`);
    try {
      const res = await call(url);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not healthy within ${ms} ms`);
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

interface RunningStack {
  child: ChildProcess;
  ports: { edge: number; admin: number; temporal: number };
  output: () => string;
}

/**
 * Starts `keep dev` on fresh loopback ports (state stays in `stateDir`). A port another test grabbed between
 * choosing and binding it is a collision, not a failure of Keep: then the stack is started again on new ports.
 */
async function startStack(stateDir: string): Promise<RunningStack> {
  for (let attempt = 1; ; attempt++) {
    const [postgres, temporal, ui, edge, admin] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/keep.ts', 'dev'], {
      env: {
        ...process.env,
        KEEP_STATE_DIR: stateDir,
        KEEP_DEV_POSTGRES_PORT: String(postgres),
        KEEP_DEV_TEMPORAL_PORT: String(temporal),
        KEEP_DEV_TEMPORAL_UI_PORT: String(ui),
        KEEP_EDGE_LISTEN: `127.0.0.1:${edge}`,
        KEEP_ADMIN_LISTEN: `127.0.0.1:${admin}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitHealthy(`https://127.0.0.1:${edge}/healthz`, 90_000, child);
      await waitHealthy(`http://127.0.0.1:${admin}/healthz`, 10_000, child);
      return { child, ports: { edge, admin, temporal }, output: () => output };
    } catch (err) {
      await stop(child);
      if (attempt < 3 && /EADDRINUSE|address already in use/.test(output)) continue;
      throw new Error(`${(err as Error).message}; the stack printed:\n${output.slice(-3000)}`, {
        cause: err,
      });
    }
  }
}

describe('npm start (the embedded dev stack)', () => {
  let stateDir = '';
  afterAll(() => (stateDir ? rm(stateDir, { recursive: true, force: true }) : undefined));

  it('answers /healthz 200 on the edge and the admin API, stops cleanly, and keeps state across a restart', async () => {
    stateDir = await mkdtemp(`${tmpdir()}/keep-dev-`);
    let stack = await startStack(stateDir);
    const first = await call(
      `https://127.0.0.1:${stack.ports.edge}/v1/probe`,
      JSON.stringify({ marker: 'before-restart' }),
    );
    expect(first.status).toBe(200);
    const { workflowId } = JSON.parse(first.text) as { workflowId: string };
    expect(await stop(stack.child), stack.output().slice(-2000)).toBe(0);

    stack = await startStack(stateDir);
    try {
      // The workflow that finished before the restart is still in Temporal's SQLite file.
      const { Client, Connection } = await import('@temporalio/client');
      const { keepDataConverter } = await import('../../core/temporal/payload-codec.js');
      const { readFileSync } = await import('node:fs');
      const secrets = JSON.parse(readFileSync(`${stateDir}/dev-secrets.json`, 'utf8')) as {
        payloadKeys: string;
      };
      const connection = await Connection.connect({ address: `127.0.0.1:${stack.ports.temporal}` });
      try {
        const client = new Client({ connection, dataConverter: keepDataConverter(secrets.payloadKeys) });
        const result = (await client.workflow.getHandle(workflowId).result()) as { marker: string };
        expect(result.marker).toBe('before-restart');
      } finally {
        await connection.close();
      }
    } finally {
      expect(await stop(stack.child), stack.output().slice(-2000)).toBe(0);
    }
  }, 300_000);
});
