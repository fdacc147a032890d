// Reads a device's ProfileList answer against the profiles Keep installed for its policies: what is proven
// installed, what never arrived, and what was installed and is now gone (drift, to be re-applied).
// https://developer.apple.com/documentation/devicemanagement/profilelistresponse
import type { PolicyProfileStatus } from '../../db/core/policy.table.js';

export interface RecordedProfile {
  identifier: string;
  status: PolicyProfileStatus;
}

export interface ProfileVerification {
  /** The new status of every recorded profile. */
  statuses: Array<{ identifier: string; status: PolicyProfileStatus }>;
  /** A profile proven installed earlier is missing now: the device workflow re-applies. */
  drift: boolean;
}

/** The identifiers a ProfileList answer names; anything not shaped as Apple documents it is ignored. */
export function reportedProfileIdentifiers(profileList: unknown): Set<string> {
  const ids = new Set<string>();
  if (!Array.isArray(profileList)) return ids;
  for (const item of profileList) {
    const id = (item as { PayloadIdentifier?: unknown } | null)?.PayloadIdentifier;
    if (typeof id === 'string') ids.add(id);
  }
  return ids;
}

/**
 * `sent` and not listed: the device did not install it (its InstallProfile answer says why), so it fails rather
 * than being re-sent in a loop. Installed, then not listed: someone removed it, so it is re-applied.
 */
export function verifyProfiles(
  recorded: readonly RecordedProfile[],
  reported: ReadonlySet<string>,
): ProfileVerification {
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
