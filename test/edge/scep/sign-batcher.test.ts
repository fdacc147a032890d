import { describe, expect, it } from 'vitest';
import { createSignBatcher } from '../../../edge/scep/sign-batcher.js';

describe('SCEP sign batcher', () => {
  const recording = () => {
    const batches: number[][] = [];
    const send = (items: number[]) => {
      batches.push(items);
      return Promise.resolve(items.map((item) => item * 10));
    };
    return { batches, send };
  };

  it('sends requests that arrive together as one batch and hands each caller its own outcome', async () => {
    const { batches, send } = recording();
    const batcher = createSignBatcher(send, { waitMs: 20, maxSize: 64, maxInFlight: 4 });
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(outcomes).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('sends a full batch without waiting for the rest of the window', async () => {
    const { batches, send } = recording();
    const batcher = createSignBatcher(send, { waitMs: 60_000, maxSize: 3, maxInFlight: 4 });
    // With a minute's window, only fullness can send these: the test would time out otherwise.
    const outcomes = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n)));
    expect(outcomes).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('rejects every caller of a batch that could not be sent, and sends the next batch afresh', async () => {
    let calls = 0;
    const batcher = createSignBatcher(
      (items: number[]) => (++calls === 1 ? Promise.reject(new Error('core away')) : Promise.resolve(items)),
      { waitMs: 1, maxSize: 64, maxInFlight: 4 },
    );
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    await expect(batcher.submit(3)).resolves.toBe(3);
  });

  it('keeps at most maxInFlight batches out, gathering what arrives meanwhile into the next batch', async () => {
    const batches: number[][] = [];
    const answers: Array<() => void> = [];
    const batcher = createSignBatcher(
      (items: number[]) => {
        batches.push(items);
        return new Promise<number[]>((resolve) => answers.push(() => resolve(items)));
      },
      { waitMs: 1, maxSize: 64, maxInFlight: 1 },
    );
    const first = batcher.submit(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const rest = [2, 3, 4].map((n) => batcher.submit(n));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toEqual([[1]]);
    answers.shift()!();
    await expect(first).resolves.toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    answers.shift()!();
    await expect(Promise.all(rest)).resolves.toEqual([2, 3, 4]);
  });

  it('rejects callers when the answer does not have one outcome per request', async () => {
    const batcher = createSignBatcher(() => Promise.resolve([1]), { waitMs: 1, maxSize: 64, maxInFlight: 4 });
    const settled = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });
});
