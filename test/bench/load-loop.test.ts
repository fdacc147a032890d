// Reports of loops that ran side by side (one per fleet process) merge into one honest report.
import { describe, expect, it } from 'vitest';
import { mergeReports, runLoad } from './load-loop.js';

describe('mergeReports', () => {
  it('adds counts, takes the longest wall time and computes percentiles over all samples', async () => {
    const fast = await runLoad({ count: 4, concurrency: 2, maxMs: 10_000 }, () => Promise.resolve());
    const failing = await runLoad({ count: 2, concurrency: 1, maxMs: 10_000 }, () =>
      Promise.reject(new Error('refused')),
    );
    const merged = mergeReports([
      { ...fast, elapsedMs: 1000, samplesMs: [1, 2, 3, 4] },
      { ...failing, elapsedMs: 2000 },
    ]);
    expect(merged).toMatchObject({ ok: 4, failed: 2, skipped: 0, elapsedMs: 2000, perSecond: 2 });
    expect(merged.latencyMs).toEqual({ count: 4, p50: 2, p99: 4, max: 4 });
    expect(merged.errors).toEqual(['Error: refused']);
  });

  it('reports nothing done as zero per second, not as a division by zero', () => {
    expect(mergeReports([]).perSecond).toBe(0);
  });
});
