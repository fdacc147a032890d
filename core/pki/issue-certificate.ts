// Issues an end-entity certificate from a CSR or a public key, under a profile and a server-side template.
import { createHash, type KeyObject } from 'node:crypto';
import { buildCertificate } from './certificate-builder.js';
import type { CertificateAuthority } from './certificate-authority.js';
import type { SubjectAltName } from './certificate-extensions.js';
import { LEAF_PROFILES, type LeafProfileName } from './certificate-profile.js';
import { checkCsr, checkPublicKey, CsrPolicyError } from './csr-policy.js';
import { caCrlUrl } from './crl-url.js';
import { derToPem } from './pem.js';
import { serialToHex } from './serial-number.js';
import { validityWindow } from './validity.js';

/** What the server decides about the certificate; nothing here comes from the device. */
export interface CertificateTemplate {
  commonName: string;
  /** e.g. `{ type: 'uri', value: 'urn:keep:device:<opaque id>' }`. */
  sans?: readonly SubjectAltName[];
  organization?: string;
  /** Defaults to the profile's lifetime; never extends past the CA's own notAfter. */
  validityDays?: number;
}

export type IssueRequest = {
  ca: CertificateAuthority;
  profile: LeafProfileName;
  template: CertificateTemplate;
  serial: Uint8Array;
  now: Date;
  /** The edge's base CRL URL (…/pki/crl); the certificate names its own CA's CRL under it (caCrlUrl). */
  crlUrl?: string;
} & ({ csrDer: Uint8Array } | { publicKey: KeyObject });

export interface IssuedCertificate {
  der: Buffer;
  pem: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** Lowercase hex SHA-256 of the DER, the form the edge binds enrollments to. */
  sha256Fingerprint: string;
}

/** Throws CsrPolicyError when the CSR or key is refused. */
export function issueCertificate(request: IssueRequest): IssuedCertificate {
  const profile = LEAF_PROFILES[request.profile];
  const publicKey = 'csrDer' in request ? checkCsr(request.csrDer).publicKey : request.publicKey;
  if (!('csrDer' in request)) checkPublicKey(publicKey);
  if (profile.requiresRsa && publicKey.asymmetricKeyType !== 'rsa')
    throw new CsrPolicyError('unsupported-key', `the ${request.profile} profile needs an RSA key`);

  const window = validityWindow(
    request.now,
    request.template.validityDays ?? profile.defaultValidityDays,
    request.ca.notAfter,
  );
  const der = buildCertificate({
    profile,
    serial: request.serial,
    subject: {
      commonName: request.template.commonName,
      ...(request.template.organization ? { organization: request.template.organization } : {}),
    },
    subjectAltNames: request.template.sans ?? [],
    subjectPublicKey: publicKey,
    ...window,
    signer: request.ca,
    ...(request.crlUrl ? { crlUrl: caCrlUrl(request.crlUrl, request.ca.keyId) } : {}),
  });
  return {
    der,
    pem: derToPem(der, 'CERTIFICATE'),
    serialHex: serialToHex(request.serial),
    ...window,
    sha256Fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}
