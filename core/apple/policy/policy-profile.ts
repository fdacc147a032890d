// Wraps one setting's payloads into a configuration profile, ready for the core to sign and deliver.
// https://developer.apple.com/documentation/devicemanagement/toplevel
import { createHash } from 'node:crypto';
import type { Declaration } from '../declarative/index.js';
import { buildPlist, type PlistDict } from '../plist-codec.js';
import type { AppleTranslationContext, ProfilePayloadSet } from './apple-target.js';
import { deterministicUuid } from './setting-translator.js';

export const LEGACY_DECLARATION = 'com.apple.configuration.legacy';

/** The unsigned profile; sign it with `signProfile` before it leaves the core. */
export function buildPolicyProfile(set: ProfilePayloadSet, context: AppleTranslationContext): PlistDict {
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: set.identifier,
    PayloadUUID: deterministicUuid(set.identifier),
    PayloadDisplayName: set.displayName,
    PayloadOrganization: context.organization,
    PayloadContent: set.payloads,
  };
}

/**
 * The declaration that makes a DDM device fetch the profile from Keep. The URL carries a hash of the profile,
 * so the declaration's ServerToken changes exactly when the profile does, and the device fetches it again.
 */
export function legacyProfileDeclaration(
  set: ProfilePayloadSet,
  context: AppleTranslationContext,
): Declaration {
  const digest = createHash('sha256')
    .update(buildPlist(buildPolicyProfile(set, context)))
    .digest('hex');
  const base = context.profileBaseUrl.endsWith('/') ? context.profileBaseUrl : `${context.profileBaseUrl}/`;
  return {
    type: LEGACY_DECLARATION,
    identifier: set.identifier,
    payload: {
      ProfileURL: `${base}${encodeURIComponent(set.identifier)}.mobileconfig?v=${digest.slice(0, 32)}`,
    },
  };
}
