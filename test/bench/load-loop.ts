// A bounded load loop: at most `count` operations, `concurrency` at a time, none started after `maxMs`.
import { summarize, type LatencySummary } from '../sim/apple/fleet.js';

export interface LoadOptions {
  count: number;
  concurrency: number;
  maxMs: number;
}

export interface LoadReport {
  ok: number;
  failed: number;
  /** Operations never started because the time cap passed. */
  skipped: number;
  elapsedMs: number;
  /** Successful operations per second of wall time. */
  perSecond: number;
  latencyMs: LatencySummary;
  /** Every successful operation's latency, so reports from several processes merge into one summary. */
  samplesMs: number[];
  /** The first few distinct failure messages. */
  errors: string[];
}

export async function runLoad(
  options: LoadOptions,
  operation: (index: number) => Promise<void>,
): Promise<LoadReport> {
  const started = performance.now();
  const deadline = started + options.maxMs;
  const latencies: number[] = [];
  const errors = new Set<string>();
  let ok = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < options.count && performance.now() < deadline) {
      const index = next++;
      const begin = performance.now();
      try {
        await operation(index);
        latencies.push(performance.now() - begin);
        ok++;
      } catch (error) {
        failed++;
        if (errors.size < 5)
          errors.add(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, options.count)) }, worker),
  );
  const elapsedMs = performance.now() - started;
  return {
    ok,
    failed,
    skipped: options.count - next,
    elapsedMs,
    perSecond: ok / (elapsedMs / 1000),
    latencyMs: summarize(latencies),
    samplesMs: latencies,
    errors: [...errors],
  };
}

/**
 * One report for loops that ran side by side (one per fleet process): counts add up, the wall time is
 * the longest loop's, percentiles come from all samples together.
 */
export function mergeReports(reports: LoadReport[]): LoadReport {
  const samplesMs = reports.flatMap((r) => r.samplesMs);
  const ok = reports.reduce((sum, r) => sum + r.ok, 0);
  const elapsedMs = Math.max(0, ...reports.map((r) => r.elapsedMs));
  return {
    ok,
    failed: reports.reduce((sum, r) => sum + r.failed, 0),
    skipped: reports.reduce((sum, r) => sum + r.skipped, 0),
    elapsedMs,
    perSecond: elapsedMs > 0 ? ok / (elapsedMs / 1000) : 0,
    latencyMs: summarize(samplesMs),
    samplesMs,
    errors: [...new Set(reports.flatMap((r) => r.errors))].slice(0, 5),
  };
}

/** Times a synchronous operation `count` times (after a short warm-up), one at a time. */
export function timeSync(count: number, operation: (index: number) => void): LoadReport {
  for (let i = 0; i < Math.min(20, count); i++) operation(i);
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const begin = performance.now();
    operation(i);
    latencies.push(performance.now() - begin);
  }
  const elapsedMs = performance.now() - started;
  return {
    ok: count,
    failed: 0,
    skipped: 0,
    elapsedMs,
    perSecond: count / (elapsedMs / 1000),
    latencyMs: summarize(latencies),
    samplesMs: latencies,
    errors: [],
  };
}
