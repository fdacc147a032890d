// Opens an encrypted configuration profile as a device does: `EncryptedPayloadContent` is CMS EnvelopedData to the
// device's identity certificate, holding the `PayloadContent` array as a property list.
// https://developer.apple.com/documentation/devicemanagement/toplevel
import { decryptEnvelopedData } from '../../../core/cms/index.js';
import { parsePlist, type PlistDict } from '../../../core/apple/plist-codec.js';
import type { SigningIdentity } from './mdm-signature.js';

export class EncryptedProfileError extends Error {
  override readonly name = 'EncryptedProfileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The profile with its payloads in clear; an unencrypted profile is returned as it is. */
export function openEncryptedProfile(profile: PlistDict, identity: SigningIdentity | undefined): PlistDict {
  const { EncryptedPayloadContent: enveloped, IsEncrypted: _flag, ...rest } = profile;
  if (enveloped === undefined) return profile;
  if (!(enveloped instanceof Uint8Array) || !identity)
    throw new EncryptedProfileError('the profile is encrypted and the device has no identity to open it');
  let content;
  try {
    content = parsePlist(
      decryptEnvelopedData(enveloped, { certificate: identity.certificate, key: identity.privateKey })
        .content,
    );
  } catch (cause) {
    throw new EncryptedProfileError('the encrypted profile does not open with this identity', { cause });
  }
  if (!Array.isArray(content))
    throw new EncryptedProfileError('the encrypted PayloadContent is not an array');
  return { ...rest, PayloadContent: content };
}
