// Whether a certificate of Keep's CA may speak for a device: only the device-identity profile may (clientAuth
// EKU and exactly one enrollment SAN), never the SCEP RA, a TLS server or the profile signer.
import { X509Certificate } from 'node:crypto';
import type { AltName, ExtKeyUsage } from 'pkijs';
import { Certificate } from 'pkijs';
import { EXTENDED_KEY_USAGE } from './certificate-extensions.js';

const ENROLLMENT_URN = /^urn:keep:enrollment:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** GeneralName CHOICE tag of uniformResourceIdentifier (RFC 5280 §4.2.1.6). */
const URI_NAME = 6;
const SUBJECT_ALT_NAME = '2.5.29.17';
const EXT_KEY_USAGE = '2.5.29.37';

/** The SAN URI that names the enrollment a device identity was issued for. */
export const enrollmentUri = (enrollmentId: string) => `urn:keep:enrollment:${enrollmentId}`;

export type DeviceIdentityRefusal = 'ca-certificate' | 'no-client-auth' | 'no-enrollment-name';

export type DeviceIdentityProfile =
  { ok: true; enrollmentId: string } | { ok: false; reason: DeviceIdentityRefusal };

/** Reads the profile from the DER; the caller has already checked that Keep's CA signed it. */
export function readDeviceIdentityProfile(
  der: Buffer,
  x509 = new X509Certificate(der),
): DeviceIdentityProfile {
  if (x509.ca) return { ok: false, reason: 'ca-certificate' };
  const extensions = Certificate.fromBER(der).extensions ?? [];
  const eku = extensions.find((e) => e.extnID === EXT_KEY_USAGE)?.parsedValue as ExtKeyUsage | undefined;
  if (!eku?.keyPurposes.includes(EXTENDED_KEY_USAGE.clientAuth))
    return { ok: false, reason: 'no-client-auth' };
  const san = extensions.find((e) => e.extnID === SUBJECT_ALT_NAME)?.parsedValue as AltName | undefined;
  const enrollments = (san?.altNames ?? []).flatMap((name) => {
    if (name.type !== URI_NAME || typeof name.value !== 'string') return [];
    const match = ENROLLMENT_URN.exec(name.value.toLowerCase());
    return match ? [match[1]!] : [];
  });
  // Two enrollment names would let one certificate speak for either enrollment.
  if (enrollments.length !== 1) return { ok: false, reason: 'no-enrollment-name' };
  return { ok: true, enrollmentId: enrollments[0]! };
}
