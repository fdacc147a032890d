// The Temporal SDK's own Prometheus exporter, as the core worker turns it on (core.metricsListen): a running
// worker's metrics are served in Prometheus text.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/start-stack.js';
import { testStack } from '../support/stack.js';

describe('the Temporal runtime with metrics', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

  it("serves a running worker's metrics in Prometheus text", async () => {
    const stack = testStack();
    const port = await freePort();
    const script = fileURLToPath(new URL('./fixtures/runtime-metrics-worker.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        script,
        stack.temporalAddress,
        stack.temporalNamespace,
        `metrics-${port}`,
        String(port),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    let out = '';
    child.stdout.setEncoding('utf8');
    while (!out.includes('ready\n')) {
      const [chunk] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit')])) as [unknown];
      if (typeof chunk !== 'string') throw new Error(`the worker process exited: ${String(chunk)}`);
      out += chunk;
    }
    // The exporter lists a metric once the worker has recorded it; its first polls come at once.
    let text = '';
    for (let i = 0; i < 100 && !/^temporal_\w+/m.test(text); i++) {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      text = await res.text();
      if (!/^temporal_\w+/m.test(text)) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(text).toMatch(/^temporal_\w+(\{[^}]*\})? \d/m);
  });
});
