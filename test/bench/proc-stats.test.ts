// What /proc says about a process: its RSS, peak RSS and CPU time, read for this very process.
import { describe, expect, it } from 'vitest';
import { cpuPercent, loadAverage, sampleProcess } from './proc-stats.js';

describe('proc stats', () => {
  it('reads resident memory and CPU time that grow with work done', () => {
    const before = sampleProcess(process.pid);
    const started = performance.now();
    let x = 0;
    while (performance.now() - started < 200) x += Math.sqrt(x + 1);
    const after = sampleProcess(process.pid);
    expect(x).toBeGreaterThan(0);
    expect(before.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(after.peakRssBytes).toBeGreaterThanOrEqual(after.rssBytes);
    expect(after.cpuMs).toBeGreaterThan(before.cpuMs);
    expect(cpuPercent(before, after)).toBeGreaterThan(0);
  });

  it('reads three load averages', () => {
    const load = loadAverage();
    expect(load).toHaveLength(3);
    for (const value of load) expect(value).toBeGreaterThanOrEqual(0);
  });
});
