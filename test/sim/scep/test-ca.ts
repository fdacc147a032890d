// A throw-away CA and RA for SCEP tests and simulators: issues certificates for parsed CSRs.
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CertificationRequest, RaCredentials } from '../../../core/scep/index.js';
import { buildCertificate } from './x509-builder.js';

export interface TestCa {
  certificate: Buffer;
  key: KeyObject;
  ra: RaCredentials;
  issue: (csr: CertificationRequest, days?: number) => Buffer;
}

export function createTestCa(name = 'Keep Test'): TestCa {
  const ca = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificate = buildCertificate({
    publicKey: ca.publicKey,
    selfSignKey: ca.privateKey,
    subject: [{ shortName: 'CN', value: `${name} CA` }],
    ca: true,
    days: 30,
  });
  const raKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const raCertificate = buildCertificate({
    publicKey: raKeys.publicKey,
    subject: [{ shortName: 'CN', value: `${name} SCEP RA` }],
    issuer: { certificate, key: ca.privateKey },
    days: 30,
  });
  return {
    certificate,
    key: ca.privateKey,
    ra: { certificate: raCertificate, key: raKeys.privateKey },
    issue: (csr, days = 7) =>
      buildCertificate({
        publicKey: csr.publicKey,
        subject: csr.subjectDer,
        issuer: { certificate, key: ca.privateKey },
        dnsNames: csr.dnsNames,
        days,
      }),
  };
}
