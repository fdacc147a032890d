// The profile that makes a device trust a new root before anything is issued under it (a root rollover): one
// certificate root payload. Its identifier is derived from the root, so sending it again replaces it in place and
// the device's ProfileList answer proves that this root, not another, is installed.
// https://developer.apple.com/documentation/devicemanagement/certificateroot
import { createHash } from 'node:crypto';
import type { PlistDict } from './plist-codec.js';
import { deterministicUuid } from './policy/setting-translator.js';

/** `keep.trust.root.<first 16 hex of the root's SHA-256>`: what ProfileList names once the root is installed. */
export const rootTrustIdentifier = (rootDer: Uint8Array) =>
  `keep.trust.root.${createHash('sha256').update(rootDer).digest('hex').slice(0, 16)}`;

export function buildRootTrustProfile(input: { rootDer: Uint8Array; organization: string }): PlistDict {
  const identifier = rootTrustIdentifier(input.rootDer);
  const displayName = `${input.organization} Keep Root CA`;
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: deterministicUuid(identifier),
    PayloadDisplayName: displayName,
    PayloadOrganization: input.organization,
    PayloadContent: [
      {
        PayloadType: 'com.apple.security.root',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.certificate`,
        PayloadUUID: deterministicUuid(`${identifier}.certificate`),
        PayloadDisplayName: displayName,
        PayloadCertificateFileName: 'keep-root.cer',
        PayloadContent: new Uint8Array(input.rootDer),
        PayloadOrganization: input.organization,
      },
    ],
  };
}
