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

async function waitHealthy(url: string, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
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
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('npm start (the embedded dev stack)', () => {
  let stateDir = '';
  afterAll(() => (stateDir ? rm(stateDir, { recursive: true, force: true }) : undefined));

  it('answers /healthz 200 on the edge and the admin API, stops cleanly, and keeps state across a restart', async () => {
    stateDir = await mkdtemp(`${tmpdir()}/keep-dev-`);
    const [pgPort, temporalPort, uiPort, edgePort, adminPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const env = {
      ...process.env,
      KEEP_STATE_DIR: stateDir,
      KEEP_DEV_POSTGRES_PORT: String(pgPort),
      KEEP_DEV_TEMPORAL_PORT: String(temporalPort),
      KEEP_DEV_TEMPORAL_UI_PORT: String(uiPort),
      KEEP_EDGE_LISTEN: `127.0.0.1:${edgePort}`,
      KEEP_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
    };
    let output = '';
    const start = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'cli/keep.ts', 'dev'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return child;
    };

    let stack = start();
    await waitHealthy(`https://127.0.0.1:${edgePort}/healthz`, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}; the stack printed:\n${output.slice(-3000)}`);
    });
    await waitHealthy(`http://127.0.0.1:${adminPort}/healthz`, 10_000);
    const first = await call(
      `https://127.0.0.1:${edgePort}/v1/probe`,
      JSON.stringify({ marker: 'before-restart' }),
    );
    expect(first.status).toBe(200);
    const { workflowId } = JSON.parse(first.text) as { workflowId: string };
    expect(await stop(stack), output.slice(-2000)).toBe(0);

    stack = start();
    try {
      await waitHealthy(`https://127.0.0.1:${edgePort}/healthz`, 90_000);
      // The workflow that finished before the restart is still in Temporal's SQLite file, its rows in Postgres.
      const { Client, Connection } = await import('@temporalio/client');
      const { keepDataConverter } = await import('../../core/temporal/payload-codec.js');
      const { readFileSync } = await import('node:fs');
      const secrets = JSON.parse(readFileSync(`${stateDir}/dev-secrets.json`, 'utf8')) as {
        payloadKeys: string;
      };
      const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
      try {
        const client = new Client({ connection, dataConverter: keepDataConverter(secrets.payloadKeys) });
        const result = (await client.workflow.getHandle(workflowId).result()) as { marker: string };
        expect(result.marker).toBe('before-restart');
      } finally {
        await connection.close();
      }
    } finally {
      expect(await stop(stack), output.slice(-2000)).toBe(0);
    }
  }, 240_000);
});
