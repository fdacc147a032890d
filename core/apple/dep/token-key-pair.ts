// The key pair a server token is encrypted to: Keep keeps the key, the admin uploads the certificate to ABM.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { buildCertificate } from '../../pki/certificate-builder.js';
import type { CertificateProfile } from '../../pki/certificate-profile.js';
import { derToPem } from '../../pki/pem.js';
import { generateSerialNumber } from '../../pki/serial-number.js';
import { validityWindow } from '../../pki/validity.js';

/** Apple only encrypts to it (CMS RSA key transport); nobody needs to trust it, so it signs itself. */
const TOKEN_RECIPIENT: CertificateProfile = {
  keyUsage: ['keyEncipherment', 'dataEncipherment'],
  extendedKeyUsage: [],
  ca: false,
  defaultValidityDays: 365,
  fixedSubjectAltNames: [],
  requiresRsa: true,
};

export interface TokenKeyPair {
  certificate: Buffer;
  /** What the admin uploads to Apple Business Manager. */
  certificatePem: string;
  key: KeyObject;
}

/** A fresh RSA key and self-signed certificate for one ABM server (MDM server) entry. */
export function createTokenKeyPair(options: { organization: string; now: Date }): TokenKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificate = buildCertificate({
    profile: TOKEN_RECIPIENT,
    serial: generateSerialNumber(),
    subject: { commonName: `${options.organization} Keep ABM token`, organization: options.organization },
    subjectAltNames: [],
    subjectPublicKey: publicKey,
    ...validityWindow(options.now, TOKEN_RECIPIENT.defaultValidityDays),
    signer: { self: privateKey },
  });
  return { certificate, certificatePem: derToPem(certificate, 'CERTIFICATE'), key: privateKey };
}
