// Bounds a Temporal client call in time: the admin answers 503 rather than hanging when Temporal is slow or down.
import type { Client } from '@temporalio/client';

/** The call did not finish in time; whether it took effect on the server is unknown. */
export class TemporalDeadlineError extends Error {
  override readonly name = 'TemporalDeadlineError';
}

export async function withTemporalDeadline<T>(
  temporal: Client,
  timeoutMs: number,
  call: () => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  // Aborting cancels the gRPC calls; the race answers even if a call ignores the signal.
  const timedOut = new Promise<never>((_, reject) =>
    abort.signal.addEventListener('abort', () =>
      reject(new TemporalDeadlineError(`no answer in ${timeoutMs} ms`)),
    ),
  );
  const result = temporal.withAbortSignal(abort.signal, call);
  result.catch(() => undefined);
  try {
    return await Promise.race([result, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
