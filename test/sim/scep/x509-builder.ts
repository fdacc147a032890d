// Test-side X.509 builders: forge lays out the structures, Node's native crypto signs them.
import { randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { certificateFieldsFromDer } from '../../../core/cms/certificate-fields.js';
import { embed, toDer } from '../../../core/cms/der.js';

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

/** forge exports these builders but @types/node-forge does not declare them. */
const pki = forge.pki as unknown as {
  getTBSCertificate: (cert: forge.pki.Certificate) => forge.asn1.Asn1;
  getCertificationRequestInfo: (csr: forge.pki.CertificateSigningRequest) => forge.asn1.Asn1;
};

/** Subject attributes in forge's form, e.g. `{ shortName: 'CN', value: 'device-1' }`. */
export type SubjectField = forge.pki.CertificateField;

export interface CertificateOptions {
  /** The RSA public key the certificate certifies. */
  publicKey: KeyObject;
  subject: SubjectField[] | Buffer;
  /** Signer: the issuer's certificate DER and key; omitted for a self-signed certificate. */
  issuer?: { certificate: Buffer; key: KeyObject };
  /** Key that signs a self-signed certificate. */
  selfSignKey?: KeyObject;
  days?: number;
  ca?: boolean;
  dnsNames?: string[];
  notBefore?: Date;
}

export function buildCertificate(options: CertificateOptions): Buffer {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePublicKey(options.publicKey);
  cert.serialNumber = randomSerial();
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + (options.days ?? 1) * 86_400_000);
  const placeholder = [{ shortName: 'CN', value: 'placeholder' }];
  cert.setSubject(Array.isArray(options.subject) ? options.subject : placeholder);
  cert.setIssuer(placeholder);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: options.ca ?? false, critical: true },
    options.ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (options.dnsNames?.length) {
    extensions.push({
      name: 'subjectAltName',
      altNames: options.dnsNames.map((value) => ({ type: 2, value })),
    });
  }
  cert.setExtensions(extensions);
  cert.siginfo.algorithmOid = SHA256_WITH_RSA;
  cert.signatureOid = SHA256_WITH_RSA;
  const tbs = pki.getTBSCertificate(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  // Names are copied as encoded: a CA must not re-encode the subject a device asked for.
  const subjectNode = Buffer.isBuffer(options.subject) ? embed(options.subject) : fields[5];
  fields[5] = subjectNode as forge.asn1.Asn1;
  fields[3] = options.issuer ? certificateFieldsFromDer(options.issuer.certificate).subject : fields[5];
  cert.tbsCertificate = tbs;
  const key = options.issuer?.key ?? options.selfSignKey;
  if (!key) throw new Error('buildCertificate needs an issuer or a selfSignKey');
  cert.signature = sign('sha256', toDer(tbs), key).toString('latin1');
  return toDer(forge.pki.certificateToAsn1(cert));
}

export interface CsrOptions {
  publicKey: KeyObject;
  privateKey: KeyObject;
  subject: SubjectField[];
  challengePassword?: string;
  dnsNames?: string[];
}

/** A PKCS#10 request (RFC 2986) with a challengePassword and a SAN extension request. */
export function buildCsr(options: CsrOptions): Buffer {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forgePublicKey(options.publicKey);
  csr.setSubject(options.subject);
  const attributes: object[] = [];
  if (options.challengePassword !== undefined) {
    attributes.push({ name: 'challengePassword', value: options.challengePassword });
  }
  if (options.dnsNames?.length) {
    attributes.push({
      name: 'extensionRequest',
      extensions: [
        { name: 'subjectAltName', altNames: options.dnsNames.map((value) => ({ type: 2, value })) },
      ],
    });
  }
  csr.setAttributes(attributes);
  csr.signatureOid = SHA256_WITH_RSA;
  (csr as unknown as { siginfo: { algorithmOid: string } }).siginfo.algorithmOid = SHA256_WITH_RSA;
  const info = pki.getCertificationRequestInfo(csr);
  (csr as unknown as { certificationRequestInfo: forge.asn1.Asn1 }).certificationRequestInfo = info;
  csr.signature = sign('sha256', toDer(info), options.privateKey).toString('latin1');
  return toDer(forge.pki.certificationRequestToAsn1(csr));
}

function forgePublicKey(key: KeyObject): forge.pki.PublicKey {
  return forge.pki.publicKeyFromPem(key.export({ type: 'spki', format: 'pem' }).toString());
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40; // positive and minimal: DER refuses a needless leading zero
  return bytes.toString('hex');
}

export function pem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
