// The content of a com.apple.security.scep payload: how a device asks Keep's CA for an identity.
// https://developer.apple.com/documentation/devicemanagement/scep
import { createHash } from 'node:crypto';
import type { PlistDict } from './plist-codec.js';

export interface ScepPayloadInput {
  url: string;
  /** CA identifier the SCEP server understands (the `message` of GetCACert). */
  name?: string;
  /** e.g. [['CN', 'keep device'], ['O', 'Example']], each pair its own RDN. */
  subject: [string, string][];
  /** Single-use SCEP challenge; never logged. */
  challenge: string;
  /** DER of the CA the SCEP server answers with; pins it via CAFingerprint. */
  caCertificateDer?: Uint8Array;
}

/**
 * CAFingerprint is matched by its length: Apple's SCEP client (Security framework,
 * SecSCEPValidateCACertMessage) recognises only MD5 (16 bytes) and SHA-1 (20 bytes), so SHA-256 would
 * fail enrollment. It is a pin on the CA the SCEP server returns, not a signature, so SHA-1 is acceptable here.
 */
export function scepCaFingerprint(caCertificateDer: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(caCertificateDer).digest());
}

export function scepPayloadContent(input: ScepPayloadInput): PlistDict {
  const scep: PlistDict = {
    URL: input.url,
    Subject: input.subject.map(([oid, value]) => [[oid, value]]),
    Challenge: input.challenge,
    Keysize: 2048,
    // Apple spells these two keys with a space.
    'Key Type': 'RSA',
    // 1 (signing) + 4 (encryption): the identity signs Mdm-Signature and decrypts escrow replies.
    'Key Usage': 5,
  };
  if (input.name !== undefined) scep.Name = input.name;
  if (input.caCertificateDer) scep.CAFingerprint = scepCaFingerprint(input.caCertificateDer);
  return scep;
}
