// Bounds a Temporal client call in time: the admin answers 503 rather than hanging when Temporal is slow or down.
import type { Client } from '@temporalio/client';
import { DeadlineError, withDeadline } from '../core/concurrency/deadline.js';

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
  try {
    // The deadline answers even if a call ignores the signal; aborting then cancels the gRPC calls.
    return await withDeadline(temporal.withAbortSignal(abort.signal, call), timeoutMs);
  } catch (error) {
    if (!(error instanceof DeadlineError)) throw error;
    abort.abort();
    throw new TemporalDeadlineError(error.message, { cause: error });
  }
}
