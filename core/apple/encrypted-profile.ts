// Encrypts a configuration profile's payloads to the device's identity certificate, so the secrets inside (a SCEP
// challenge, a Wi-Fi password) are readable by that device only: not by the edge that queues the command, nor by
// anyone who decodes a Temporal history.
// https://developer.apple.com/documentation/devicemanagement/toplevel (IsEncrypted, EncryptedPayloadContent)
import { X509Certificate } from 'node:crypto';
import { encryptEnvelopedData } from '../cms/index.js';
import { buildPlist, type PlistDict } from './plist-codec.js';

export class ProfileEncryptionError extends Error {
  override readonly name = 'ProfileEncryptionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** CMS key transport here is RSA only: an elliptic-curve identity (an attested ACME key) would need key agreement. */
export function canEncryptTo(identityDer: Buffer): boolean {
  return new X509Certificate(identityDer).publicKey.asymmetricKeyType === 'rsa';
}

/**
 * The profile with `PayloadContent` replaced by `EncryptedPayloadContent`: the payload array as a property list,
 * in CMS EnvelopedData (AES-256-CBC, RSA key transport) to `identityDer`. Sign the result as any profile.
 */
export function encryptProfilePayloads(profile: PlistDict, identityDer: Buffer): PlistDict {
  const { PayloadContent: content, ...rest } = profile;
  if (!Array.isArray(content)) throw new ProfileEncryptionError('the profile has no PayloadContent array');
  if (!canEncryptTo(identityDer))
    throw new ProfileEncryptionError('only an RSA identity certificate can receive an encrypted profile');
  const enveloped = encryptEnvelopedData(Buffer.from(buildPlist(content)), identityDer);
  return { ...rest, IsEncrypted: true, EncryptedPayloadContent: new Uint8Array(enveloped) };
}
