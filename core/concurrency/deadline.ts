// Bounds a promise in time: the one Promise.race timeout every caller of a slow dependency (Temporal, a probe) uses.

/** `work` did not settle in time; whether it took effect elsewhere is unknown. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  constructor(readonly ms: number) {
    super(`no answer in ${ms} ms`);
  }
}

/**
 * Settles as `work` does if it settles within `ms`; otherwise rejects with DeadlineError, or resolves with
 * `fallback()` when one is given. The work itself is not stopped (callers that can cancel it do so on the error).
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T>;
export function withDeadline<T, F>(work: Promise<T>, ms: number, fallback: () => F): Promise<T | F>;
export async function withDeadline<T, F>(work: Promise<T>, ms: number, fallback?: () => F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => (fallback ? resolve(fallback()) : reject(new DeadlineError(ms))), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
