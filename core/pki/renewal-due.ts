// When an expiring identity is due for renewal: spread over the first half of the renewal window by a jitter
// derived from the enrollment, so a fleet enrolled in one day does not renew in one run, and the second half
// of the window is left for devices that were offline or failed the first time.
import { createHash } from 'node:crypto';

const DAY_MS = 86_400_000;

/** A fraction in [0, 1) fixed per key: the same device always gets the same place in the window. */
export function renewalJitter(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

export function renewalDueAt(notAfter: Date, windowDays: number, key: string): Date {
  const windowMs = windowDays * DAY_MS;
  return new Date(notAfter.getTime() - windowMs + renewalJitter(key) * (windowMs / 2));
}
