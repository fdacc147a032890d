// Assembles and signs one X.509 v3 certificate (RFC 5280 §4.1) from a profile; every issuer path ends here.
import type { KeyObject } from 'node:crypto';
import { Certificate, PublicKeyInfo, RelativeDistinguishedNames } from 'pkijs';
import {
  authorityKeyIdentifier,
  basicConstraints,
  crlDistributionPoint,
  extendedKeyUsage,
  keyIdentifierOf,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
  type SubjectAltName,
} from './certificate-extensions.js';
import { keyUsageFor, type CertificateProfile } from './certificate-profile.js';
import { signNatively } from './native-signer.js';
import { serialInteger } from './serial-number.js';
import { x509Time } from './validity.js';
import { buildName, type NameFields } from './x509-name.js';

export interface CertificateSigner {
  name: RelativeDistinguishedNames;
  keyId: Uint8Array;
  privateKey: KeyObject;
}

export interface CertificateSpec {
  profile: CertificateProfile;
  serial: Uint8Array;
  /** Name fields, or a name taken as it is (a successor root keeps its predecessor's exact name). */
  subject: NameFields | RelativeDistinguishedNames;
  subjectAltNames: readonly SubjectAltName[];
  /** RSA or EC; held as a KeyObject so forge's RSA-only key model never limits what devices send. */
  subjectPublicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** 'self' for a root, which signs itself with `selfSigningKey`. */
  signer: CertificateSigner | { self: KeyObject };
  crlUrl?: string;
}

export function buildCertificate(spec: CertificateSpec): Buffer {
  const spki = spec.subjectPublicKey.export({ type: 'spki', format: 'der' });
  const keyId = keyIdentifierOf(spki);
  const subject = spec.subject instanceof RelativeDistinguishedNames ? spec.subject : buildName(spec.subject);
  const signer = 'self' in spec.signer ? { name: subject, keyId, privateKey: spec.signer.self } : spec.signer;
  const keyType = spec.subjectPublicKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
  const names = [...spec.profile.fixedSubjectAltNames, ...spec.subjectAltNames];

  const certificate = new Certificate({
    version: 2,
    serialNumber: serialInteger(spec.serial),
    issuer: signer.name,
    subject,
    notBefore: x509Time(spec.notBefore),
    notAfter: x509Time(spec.notAfter),
    subjectPublicKeyInfo: PublicKeyInfo.fromBER(spki),
    extensions: [
      basicConstraints(spec.profile.ca),
      keyUsage(keyUsageFor(spec.profile, keyType)),
      ...(spec.profile.extendedKeyUsage.length ? [extendedKeyUsage(spec.profile.extendedKeyUsage)] : []),
      subjectKeyIdentifier(keyId),
      authorityKeyIdentifier(signer.keyId),
      ...(names.length ? [subjectAltName(names)] : []),
      ...(spec.crlUrl ? [crlDistributionPoint(spec.crlUrl)] : []),
    ],
  });
  return signNatively(certificate, signer.privateKey);
}
