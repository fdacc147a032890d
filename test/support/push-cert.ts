// Throw-away MDM push certificates for tests: subject UID = com.apple.mgmt.External.<uuid>, PEM and PKCS#12.
import forge from 'node-forge';
import { randomUUID } from 'node:crypto';
import { createTestCa, issueCertificate, type TestCa } from './test-ca.js';

/** OID of the LDAP `uid` attribute (RFC 4519) that carries the APNs topic in Apple's push certificates. */
export const UID_OID = '0.9.2342.19200300.100.1.1';

export interface TestPushCertificate {
  topic: string;
  certPem: string;
  keyPem: string;
  /** DER bytes of a PKCS#12 holding the key and certificate, encrypted with `p12Password`. */
  p12: Uint8Array;
  p12Password: string;
}

export interface PushCertOptions {
  ca?: TestCa;
  topic?: string;
  /** Leave the UID attribute out of the subject, as a non-push certificate would. */
  withoutUid?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  p12Password?: string;
}

export function createTestPushCertificate(options: PushCertOptions = {}): TestPushCertificate {
  const ca = options.ca ?? createTestCa('Keep Test Push CA');
  const topic = options.topic ?? `com.apple.mgmt.External.${randomUUID()}`;
  const subject: forge.pki.CertificateField[] = [
    { name: 'commonName', value: `APSP:${randomUUID()}` },
    ...(options.withoutUid ? [] : [{ type: UID_OID, value: topic }]),
    { name: 'countryName', value: 'US' },
  ];
  const issued = issueCertificate(ca, {
    subject,
    extensions: [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
    ...(options.notBefore ? { notBefore: options.notBefore } : {}),
    ...(options.notAfter ? { notAfter: options.notAfter } : {}),
  });
  const p12Password = options.p12Password ?? `pw-${randomUUID()}`;
  const p12Asn1 = forge.pkcs12.toPkcs12Asn1(issued.key, [issued.cert], p12Password, {
    algorithm: '3des',
  });
  const p12 = Buffer.from(forge.asn1.toDer(p12Asn1).getBytes(), 'binary');
  return { topic, certPem: issued.certPem, keyPem: issued.keyPem, p12, p12Password };
}
