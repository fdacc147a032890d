import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaHierarchy, type CaHierarchy } from '../../../core/pki/ca-create.js';
import { scratch, type Scratch } from './openssl.js';

describe('createCaHierarchy', () => {
  let s: Scratch;
  let ca: CaHierarchy;
  const now = new Date();

  beforeAll(() => {
    s = scratch();
    ca = createCaHierarchy({ organization: 'Acme', now });
    s.write('root.pem', ca.root.certificatePem);
    s.write('issuing.pem', ca.issuing.certificatePem);
  });
  afterAll(() => s.remove());

  it('creates an issuing CA that openssl verifies against the root', () => {
    expect(s.openssl('verify', '-CAfile', 'root.pem', 'issuing.pem')).toContain('issuing.pem: OK');
  });

  it('uses RSA 4096 for the root and RSA 3072 for the issuing CA', () => {
    expect(ca.root.privateKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(ca.issuing.privateKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it('limits the root to one CA below it and the issuing CA to end entities', () => {
    const root = s.openssl('x509', '-in', 'root.pem', '-noout', '-text');
    const issuing = s.openssl('x509', '-in', 'issuing.pem', '-noout', '-text');
    expect(root).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(issuing).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(issuing).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
  });

  it('writes one attribute per RDN, not a multi-valued RDN', () => {
    expect(s.openssl('x509', '-in', 'issuing.pem', '-noout', '-subject')).toBe(
      'subject=O = Acme, CN = Acme Keep Issuing CA\n',
    );
  });

  it("links the issuing CA's authority key id to the root's subject key id", () => {
    const root = new X509Certificate(ca.root.certificateDer);
    const issuing = new X509Certificate(ca.issuing.certificateDer);
    expect(issuing.checkIssued(root)).toBe(true);
    expect(ca.issuing.chainDer).toEqual([ca.root.certificateDer]);
    const text = s.openssl('x509', '-in', 'issuing.pem', '-noout', '-ext', 'authorityKeyIdentifier');
    expect(text.replace(/[^0-9A-F]/g, '')).toContain(ca.root.keyId.toString('hex').toUpperCase());
  });

  it('gives the issuing CA ten years and the root twenty by default', () => {
    const days = (der: Buffer) =>
      (new Date(new X509Certificate(der).validTo).getTime() - now.getTime()) / 86_400_000;
    expect(Math.round(days(ca.root.certificateDer))).toBe(7300);
    expect(Math.round(days(ca.issuing.certificateDer))).toBe(3650);
  });
});
