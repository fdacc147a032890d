// The dev stack's supervisor: a part killed with SIGKILL is started again (backoff from the settings), and a
// stopped part stays stopped.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { supervise } from '../../deploy/dev-stack/supervise.js';

const sleeper = () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });

describe('supervising a dev-stack part', () => {
  it('starts a part that died again, telling how it died, and stops it for good on stop', async () => {
    const deaths: string[] = [];
    const part = supervise(sleeper, { initialDelayMs: 10, onRestart: (exit) => deaths.push(exit) });
    const first = part.current();
    await once(first, 'spawn');
    first.kill('SIGKILL');
    while (part.restarts() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = part.current();
    expect(second.pid).not.toBe(first.pid);
    expect(deaths).toEqual(['SIGKILL']);
    await part.stop();
    expect(second.signalCode).toBe('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(part.current()).toBe(second);
    expect(part.restarts()).toBe(1);
  });

  it('doubles the wait for each death in a row, up to the cap', async () => {
    const delays: number[] = [];
    const part = supervise(() => spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' }), {
      initialDelayMs: 5,
      maxDelayMs: 20,
      onRestart: (_, delay) => delays.push(delay),
    });
    while (delays.length < 4) await new Promise((resolve) => setTimeout(resolve, 20));
    await part.stop();
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 20]);
  });
});
