// Reads the profile identifiers out of a device's ProfileList answer, for `verifyApplied` to judge against the
// profiles Keep installed for its policies.
// https://developer.apple.com/documentation/devicemanagement/profilelistresponse

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
