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
    errors: [...errors],
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
    errors: [],
  };
}

/** Polls `check` every 250 ms until it holds; fails naming `what` after `deadlineMs`. */
export async function until(what: string, deadlineMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what} not reached in ${deadlineMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
