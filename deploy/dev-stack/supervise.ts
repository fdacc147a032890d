// Keeps one process of the dev stack running: a part that dies (a crash, a SIGKILL) is started again after a
// backoff that doubles up to a cap, and resets once the part has stayed up a while; stopping it stops for good.
import type { ChildProcess } from 'node:child_process';

export interface SupervisorOptions {
  /** First wait before a restart (default 1 s); doubles per restart in a row. */
  initialDelayMs?: number;
  /** Longest wait (default 30 s). */
  maxDelayMs?: number;
  /** A part up this long (default 60 s) is healthy again: the next restart waits the first delay. */
  resetAfterMs?: number;
  /** Told of each death and the wait before the restart. */
  onRestart?: (exit: string, delayMs: number) => void;
}

export interface Supervisor {
  /** The process now running (or last run). */
  current(): ChildProcess;
  /** How many times the part was started again. */
  restarts(): number;
  /** SIGTERM, no restart; resolves once it exited. */
  stop(): Promise<void>;
}

export function supervise(start: () => ChildProcess, options: SupervisorOptions = {}): Supervisor {
  const initialDelayMs = options.initialDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const resetAfterMs = options.resetAfterMs ?? 60_000;
  let stopping = false;
  let restarts = 0;
  let delayMs = initialDelayMs;
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcess;

  function run(): void {
    const startedAt = Date.now();
    child = start();
    child.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= resetAfterMs) delayMs = initialDelayMs;
      options.onRestart?.(signal ?? String(code), delayMs);
      timer = setTimeout(() => {
        restarts++;
        run();
      }, delayMs);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    });
  }

  run();
  return {
    current: () => child,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
