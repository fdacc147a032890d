import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaHierarchy, type CaHierarchy } from '../../../core/pki/ca-create.js';
import { CsrPolicyError } from '../../../core/pki/csr-policy.js';
import { issueCertificate } from '../../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../../core/pki/serial-number.js';
import { opensslCsr, scratch, type Scratch } from './openssl.js';

describe('issueCertificate', () => {
  let s: Scratch;
  let ca: CaHierarchy;
  const now = new Date();
  const deviceSan = { type: 'uri', value: 'urn:keep:device:dev_7f3a' } as const;

  beforeAll(() => {
    s = scratch();
    ca = createCaHierarchy({ organization: 'Acme', now });
    s.write('root.pem', ca.root.certificatePem);
    s.write('issuing.pem', ca.issuing.certificatePem);
  });
  afterAll(() => s.remove());

  const verify = (name: string) =>
    s.openssl('verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', name);

  it('issues a device identity from an RSA CSR that openssl verifies through the chain', () => {
    const csrDer = opensslCsr(s, 'rsa', ['-newkey', 'rsa:2048'], { subject: 'I am the CEO' });
    const issued = issueCertificate({
      ca: ca.issuing,
      csrDer,
      profile: 'device-identity',
      template: { commonName: 'dev_7f3a', sans: [deviceSan] },
      serial: generateSerialNumber(),
      now,
      crlUrl: 'http://127.0.0.1:8080/pki/crl',
    });
    s.write('leaf.pem', issued.pem);
    expect(verify('leaf.pem')).toContain('leaf.pem: OK');

    const text = s.openssl('x509', '-in', 'leaf.pem', '-noout', '-text');
    expect(text).toContain('Subject: CN = dev_7f3a');
    expect(text).not.toContain('CEO');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication\n/);
    expect(text).toMatch(/Subject Alternative Name:\s+URI:urn:keep:device:dev_7f3a\n/);
    expect(text).toMatch(/CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/127.0.0.1:8080\/pki\/crl/);
    expect(text).toContain('Subject Key Identifier');
    expect(text).toContain('Authority Key Identifier');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
  });

  it('returns serial, dates and fingerprint that match the certificate', () => {
    const serial = generateSerialNumber();
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const issued = issueCertificate({
      ca: ca.issuing,
      publicKey,
      profile: 'device-identity',
      template: { commonName: 'x' },
      serial,
      now,
    });
    const x509 = new X509Certificate(issued.der);
    expect(issued.serialHex).toBe(serial.toString('hex'));
    expect(x509.serialNumber.toLowerCase()).toBe(issued.serialHex);
    expect(x509.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(issued.sha256Fingerprint);
    expect(new Date(x509.validFrom)).toEqual(issued.notBefore);
    expect(new Date(x509.validTo)).toEqual(issued.notAfter);
    expect(Math.round((issued.notAfter.getTime() - now.getTime()) / 86_400_000)).toBe(365);
  });

  it('issues for an EC P-256 CSR without keyEncipherment (RFC 5480)', () => {
    const csrDer = opensslCsr(s, 'ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    const issued = issueCertificate({
      ca: ca.issuing,
      csrDer,
      profile: 'device-identity',
      template: { commonName: 'ec-device', sans: [deviceSan] },
      serial: generateSerialNumber(),
      now,
    });
    s.write('ec.pem', issued.pem);
    expect(verify('ec.pem')).toContain('ec.pem: OK');
    expect(s.openssl('x509', '-in', 'ec.pem', '-noout', '-text')).toMatch(
      /Key Usage: critical\s+Digital Signature\n/,
    );
  });

  it('refuses a CSR with a 1024-bit key', () => {
    const csrDer = opensslCsr(s, 'weak', ['-newkey', 'rsa:1024']);
    const issue = () =>
      issueCertificate({
        ca: ca.issuing,
        csrDer,
        profile: 'device-identity',
        template: { commonName: 'x' },
        serial: generateSerialNumber(),
        now,
      });
    expect(issue).toThrow(CsrPolicyError);
    expect(issue).toThrow(/at least 2048/);
  });

  it('refuses an EC key for the escrow-encryption profile, which needs RSA key transport', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() =>
      issueCertificate({
        ca: ca.issuing,
        publicKey,
        profile: 'escrow-encryption',
        template: { commonName: 'escrow' },
        serial: generateSerialNumber(),
        now,
      }),
    ).toThrow(/needs an RSA key/);
  });

  it('writes the profile-specific extensions of the other profiles', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const text = (profile: 'profile-signing' | 'escrow-encryption' | 'scep-ra' | 'tls-server') => {
      const issued = issueCertificate({
        ca: ca.issuing,
        publicKey,
        profile,
        template: { commonName: profile },
        serial: generateSerialNumber(),
        now,
      });
      s.write(`${profile}.pem`, issued.pem);
      expect(verify(`${profile}.pem`)).toContain('OK');
      return s.openssl('x509', '-in', `${profile}.pem`, '-noout', '-text');
    };
    expect(text('profile-signing')).toMatch(
      /Key Usage: critical\s+Digital Signature\n[\s\S]*Extended Key Usage:\s+E-mail Protection/,
    );
    expect(text('escrow-encryption')).toMatch(/Key Usage: critical\s+Key Encipherment, Data Encipherment\n/);
    const ra = text('scep-ra');
    expect(ra).toMatch(/CA:FALSE/);
    expect(ra).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    const tls = text('tls-server');
    expect(tls).toMatch(/TLS Web Server Authentication/);
    expect(tls).toMatch(/Subject Alternative Name:\s+DNS:localhost, IP Address:127.0.0.1\n/);
  });

  it('never lets a certificate outlive the issuing CA', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const issued = issueCertificate({
      ca: ca.issuing,
      publicKey,
      profile: 'device-identity',
      template: { commonName: 'long', validityDays: 50 * 365 },
      serial: generateSerialNumber(),
      now,
    });
    expect(issued.notAfter).toEqual(ca.issuing.notAfter);
  });
});
