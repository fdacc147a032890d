// A counting semaphore: at most `limit` tasks run at once, the rest wait in arrival order or are turned away.

export interface ConcurrencyLimit {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** A slot now, or undefined when all are taken: for callers that answer "busy" rather than queue. */
  tryAcquire(): (() => void) | undefined;
  readonly active: number;
}

export function createConcurrencyLimit(limit: number): ConcurrencyLimit {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency limit must be a positive integer`);
  let active = 0;
  const waiting: (() => void)[] = [];

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  return {
    get active() {
      return active;
    },
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active < limit) active++;
      // A released slot passes straight to the next waiter, so `active` never dips and overshoots.
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
    tryAcquire() {
      if (active >= limit) return undefined;
      active++;
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        release();
      };
    },
  };
}
