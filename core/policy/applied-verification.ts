// Judges what a device reports holding against the items Keep put on it for its policies (Apple profiles,
// Windows CSP nodes): what is proven, what never took, and what was proven and is now gone (drift, re-applied).
import type { PolicyProfileStatus } from '../db/core/policy.table.js';

export interface RecordedItem {
  identifier: string;
  status: PolicyProfileStatus;
}

export interface AppliedVerification {
  /** The new status of every recorded item. */
  statuses: Array<{ identifier: string; status: PolicyProfileStatus }>;
  /** An item proven earlier is gone or changed now: the device workflow re-applies. */
  drift: boolean;
}

/**
 * `sent` and not reported: the device did not take it (its answer to the install says why), so it fails rather
 * than being re-sent in a loop. Proven, then not reported: someone removed or changed it, so it is re-applied.
 */
export function verifyApplied(
  recorded: readonly RecordedItem[],
  reported: ReadonlySet<string>,
): AppliedVerification {
  let drift = false;
  const statuses = recorded.map(({ identifier, status }) => {
    if (reported.has(identifier)) return { identifier, status: 'installed' as const };
    if (status === 'installed' || status === 'missing') {
      drift = true;
      return { identifier, status: 'missing' as const };
    }
    return { identifier, status: 'failed' as const };
  });
  return { statuses, drift };
}
