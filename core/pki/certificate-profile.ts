// The certificate profiles Keep's CA issues: a table from profile name to extensions and lifetime.
import type { ExtendedKeyUsage, KeyUsage, SubjectAltName } from './certificate-extensions.js';

export interface CertificateProfile {
  keyUsage: readonly KeyUsage[];
  extendedKeyUsage: readonly ExtendedKeyUsage[];
  /** false for end entities; for CAs, how many CAs may follow this one in a chain. */
  ca: false | { pathLength: number };
  defaultValidityDays: number;
  /** Names every certificate of the profile carries, before the template's own. */
  fixedSubjectAltNames: readonly SubjectAltName[];
  /** The profile's use needs key encipherment by RSA (CMS key transport, SCEP). */
  requiresRsa: boolean;
}

const leaf = {
  ca: false,
  fixedSubjectAltNames: [],
  requiresRsa: false,
  extendedKeyUsage: [],
} as const satisfies Partial<CertificateProfile>;

/** Certificates issued from a template, to devices or to Keep's own services. */
export const LEAF_PROFILES = {
  /** The device's identity for MDM requests and mTLS; the SAN carries Keep's opaque device id. */
  'device-identity': {
    ...leaf,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['clientAuth'],
    defaultValidityDays: 365,
  },
  /**
   * Signs .mobileconfig files (CMS SignedData). Apple checks the chain and digitalSignature;
   * emailProtection is the conventional EKU for a CMS/S-MIME signer, which is what tools that
   * inspect signed profiles (Apple Configurator, `security cms -D`) expect to see.
   */
  'profile-signing': {
    ...leaf,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['emailProtection'],
    defaultValidityDays: 730,
  },
  /** Devices encrypt FileVault (and other) recovery keys to it with CMS EnvelopedData (RSA key transport). */
  'escrow-encryption': {
    ...leaf,
    keyUsage: ['keyEncipherment', 'dataEncipherment'],
    defaultValidityDays: 1825,
    requiresRsa: true,
  },
  /** The edge's SCEP registration authority (RFC 8894 §2.1): signs and decrypts pkiMessages, issues nothing. */
  'scep-ra': {
    ...leaf,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    defaultValidityDays: 730,
    requiresRsa: true,
  },
  /** Development TLS for the edge and the admin console on loopback. */
  'tls-server': {
    ...leaf,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
    defaultValidityDays: 397,
    fixedSubjectAltNames: [
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ],
  },
} as const satisfies Record<string, CertificateProfile>;

/** Keep's own CA hierarchy: a root that signs only the issuing CA, which signs only end entities. */
export const CA_PROFILES = {
  'root-ca': {
    ...leaf,
    keyUsage: ['keyCertSign', 'cRLSign'],
    ca: { pathLength: 1 },
    defaultValidityDays: 7300,
  },
  'issuing-ca': {
    ...leaf,
    keyUsage: ['keyCertSign', 'cRLSign'],
    ca: { pathLength: 0 },
    defaultValidityDays: 3650,
  },
} as const satisfies Record<string, CertificateProfile>;

export type LeafProfileName = keyof typeof LEAF_PROFILES;
export type CaProfileName = keyof typeof CA_PROFILES;
export type CertificateProfileName = LeafProfileName | CaProfileName;

export const CERTIFICATE_PROFILES: Record<CertificateProfileName, CertificateProfile> = {
  ...LEAF_PROFILES,
  ...CA_PROFILES,
};

/**
 * RFC 5480 §3 forbids keyEncipherment and dataEncipherment on EC keys (they agree keys, they
 * do not transport them), so an EC device identity carries digitalSignature alone.
 */
export function keyUsageFor(profile: CertificateProfile, keyType: 'rsa' | 'ec'): KeyUsage[] {
  if (keyType === 'rsa') return [...profile.keyUsage];
  return profile.keyUsage.filter((usage) => usage !== 'keyEncipherment' && usage !== 'dataEncipherment');
}
