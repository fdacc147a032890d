// The keys of a com.apple.security.acme payload that makes the device's MDM identity hardware-bound and
// attested: the Secure Enclave generates a P-384 key and Apple attests it (Keep's edge serves the ACME side).
// https://developer.apple.com/documentation/devicemanagement/acmecertificate
import type { PlistDict } from './plist-codec.js';

export interface AcmePayloadInput {
  /** https://…/acme/directory of Keep's edge. */
  directoryUrl: string;
  /** The device's serial number: the permanent-identifier it orders, which its attestation must name. */
  clientIdentifier: string;
  /** e.g. [['CN', 'keep device']]; Keep's CA ignores it and names the enrollment itself. */
  subject: [string, string][];
}

export function acmePayloadKeys(input: AcmePayloadInput): PlistDict {
  if (!input.directoryUrl.startsWith('https://')) throw new TypeError('directoryUrl must be an https URL');
  return {
    DirectoryURL: input.directoryUrl,
    ClientIdentifier: input.clientIdentifier,
    // Hardware-bound keys are EC P-256 or P-384 only; attestation needs a hardware-bound key.
    KeyType: 'ECSECPrimeRandom',
    KeySize: 384,
    HardwareBound: true,
    Attest: true,
    Subject: input.subject.map(([oid, value]) => [[oid, value]]),
    // Signing only: the identity signs Mdm-Signature and TLS client authentication.
    UsageFlags: 1,
  };
}
