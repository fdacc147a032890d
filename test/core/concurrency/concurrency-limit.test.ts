import { describe, expect, it } from 'vitest';
import { createConcurrencyLimit } from '../../../core/concurrency/concurrency-limit.js';

describe('createConcurrencyLimit', () => {
  it('never runs more tasks at once than the limit, and runs them all', async () => {
    const limit = createConcurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(limit.active).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const limit = createConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 'next')).toBe('next');
  });

  it('hands out a slot without waiting only while one is free, and takes each back once', async () => {
    const limit = createConcurrencyLimit(2);
    const first = limit.tryAcquire();
    const second = limit.tryAcquire();
    expect(first && second).toBeTruthy();
    expect(limit.tryAcquire()).toBeUndefined();
    first!();
    first!();
    expect(limit.active).toBe(1);
    const third = limit.tryAcquire();
    expect(third).toBeDefined();
    // A queued run gets the next slot freed; tryAcquire does not jump the queue.
    let ran = false;
    const queued = limit.run(async () => (ran = true));
    second!();
    expect(limit.tryAcquire()).toBeUndefined();
    await queued;
    expect(ran).toBe(true);
    third!();
    expect(limit.active).toBe(0);
  });
});
