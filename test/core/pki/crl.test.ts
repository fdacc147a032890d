import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaHierarchy, type CaHierarchy } from '../../../core/pki/ca-create.js';
import { buildCrl } from '../../../core/pki/crl.js';
import { issueCertificate } from '../../../core/pki/issue-certificate.js';
import { derToPem } from '../../../core/pki/pem.js';
import { generateSerialNumber } from '../../../core/pki/serial-number.js';
import { scratch, type Scratch } from './openssl.js';

describe('buildCrl', () => {
  let s: Scratch;
  let ca: CaHierarchy;
  const now = new Date();
  const day = 86_400_000;

  const leaf = (name: string) => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const issued = issueCertificate({
      ca: ca.issuing,
      publicKey,
      profile: 'device-identity',
      template: { commonName: name },
      serial: generateSerialNumber(),
      now,
    });
    s.write(`${name}.pem`, issued.pem);
    return issued;
  };

  beforeAll(() => {
    s = scratch();
    ca = createCaHierarchy({ organization: 'Acme', now });
    s.write('root.pem', ca.root.certificatePem);
    s.write('issuing.pem', ca.issuing.certificatePem);
    s.write('chain.pem', ca.issuing.certificatePem + ca.root.certificatePem);
  });
  afterAll(() => s.remove());

  it('writes a v2 CRL that openssl verifies against the issuing CA', () => {
    const revoked = leaf('revoked');
    const der = buildCrl({
      ca: ca.issuing,
      crlNumber: 42,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 7 * day),
      revoked: [{ serialHex: revoked.serialHex, revokedAt: now, reason: 'keyCompromise' }],
    });
    s.write('crl.der', der);
    expect(
      s.openssl('crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-verify', '-CAfile', 'chain.pem'),
    ).toContain('verify OK');
    const tampered = Buffer.from(der);
    tampered[tampered.length - 1]! ^= 1;
    s.write('tampered.der', tampered);
    // openssl crl -verify exits 0 either way; only its message tells.
    expect(
      s.openssl('crl', '-inform', 'DER', '-in', 'tampered.der', '-noout', '-verify', '-CAfile', 'chain.pem'),
    ).toContain('verify failure');
    const text = s.openssl('crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-text');
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toMatch(/X509v3 CRL Number:\s+42\n/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toContain(`Serial Number: ${revoked.serialHex.toUpperCase()}`);
    expect(text).toMatch(/CRL Reason Code:\s+Key Compromise/);
    expect(text).toContain('Next Update:');
  });

  it('makes openssl refuse a revoked leaf and accept one that is not revoked', () => {
    const revoked = leaf('gone');
    leaf('kept');
    s.write(
      'crl.pem',
      derToPem(
        buildCrl({
          ca: ca.issuing,
          crlNumber: 43,
          thisUpdate: now,
          nextUpdate: new Date(now.getTime() + day),
          revoked: [{ serialHex: revoked.serialHex, revokedAt: now }],
        }),
        'X509 CRL',
      ),
    );
    const check = (name: string) =>
      s.openssl(
        'verify',
        '-crl_check',
        '-CRLfile',
        'crl.pem',
        '-CAfile',
        'root.pem',
        '-untrusted',
        'issuing.pem',
        name,
      );
    expect(() => check('gone.pem')).toThrow(/certificate revoked/);
    expect(check('kept.pem')).toContain('kept.pem: OK');
  });

  it('omits the revoked list entirely when nothing is revoked', () => {
    s.write(
      'empty.der',
      buildCrl({
        ca: ca.issuing,
        crlNumber: 1,
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + day),
        revoked: [],
      }),
    );
    expect(s.openssl('crl', '-inform', 'DER', '-in', 'empty.der', '-noout', '-text')).toContain(
      'No Revoked Certificates',
    );
  });

  it('refuses a nextUpdate that is not after thisUpdate', () => {
    expect(() =>
      buildCrl({ ca: ca.issuing, crlNumber: 1, thisUpdate: now, nextUpdate: now, revoked: [] }),
    ).toThrow(RangeError);
  });
});
