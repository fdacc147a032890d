// Exponential backoff with full jitter, so many retrying pushes do not hit APNs in lockstep.

export interface BackoffPolicy {
  /** How many times a push is tried in all, the first try included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultBackoff: BackoffPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Delay before retry number `retry` (1 = the first retry); `random` is injectable so tests can pin it. */
export function backoffDelay(
  policy: BackoffPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
