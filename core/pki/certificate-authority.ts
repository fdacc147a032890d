// A CA in memory: its certificate, its signing key, and the chain above it.
import { X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { Certificate, type RelativeDistinguishedNames } from 'pkijs';
import { keyIdentifierOf } from './certificate-extensions.js';
import { derToPem } from './pem.js';

export interface CertificateAuthority {
  certificateDer: Buffer;
  certificatePem: string;
  /** The CA's subject, which becomes the issuer of what it signs. */
  name: RelativeDistinguishedNames;
  /** The CA's subjectKeyIdentifier, copied into the authorityKeyIdentifier of what it signs. */
  keyId: Buffer;
  privateKey: KeyObject;
  notAfter: Date;
  /** The certificates above this CA, nearest first (empty for a root). */
  chainDer: Buffer[];
}

/** Thrown when a certificate and key cannot act as a CA: not a CA, key mismatch, unparsable. */
export class CertificateAuthorityError extends Error {
  override name = 'CertificateAuthorityError';
}

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

export function toCertificateAuthority(
  certificateDer: Uint8Array,
  privateKey: KeyObject,
  chainDer: readonly Uint8Array[] = [],
): CertificateAuthority {
  let x509: X509Certificate;
  let parsed: Certificate;
  try {
    x509 = new X509Certificate(certificateDer);
    parsed = Certificate.fromBER(certificateDer);
  } catch (cause) {
    throw new CertificateAuthorityError('the CA certificate cannot be parsed', { cause });
  }
  if (!x509.ca) throw new CertificateAuthorityError(`${x509.subject} is not a CA certificate`);
  if (privateKey.type !== 'private' || !x509.checkPrivateKey(privateKey))
    throw new CertificateAuthorityError(`the private key does not belong to ${x509.subject}`);
  return {
    certificateDer: Buffer.from(certificateDer),
    certificatePem: derToPem(certificateDer, 'CERTIFICATE'),
    name: parsed.subject,
    keyId: subjectKeyIdOf(parsed),
    privateKey,
    notAfter: new Date(x509.validTo),
    chainDer: chainDer.map((der) => Buffer.from(der)),
  };
}

/** The certificate's own SKI when it has one, so AKIs match it even if it was computed another way. */
export function subjectKeyIdOf(certificate: Certificate): Buffer {
  const extension = certificate.extensions?.find((ext) => ext.extnID === SUBJECT_KEY_IDENTIFIER);
  if (extension?.parsedValue instanceof asn1js.OctetString)
    return Buffer.from(extension.parsedValue.valueBlock.valueHexView);
  return keyIdentifierOf(new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER(false)));
}
