// A successor root: a device trusting the old root and one trusting the new root both verify an identity from the
// new issuing CA (openssl, the independent check); an old root whose key Keep does not hold is refused, naming what
// is needed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaHierarchy, generateRsaKey } from '../../../core/pki/ca-create.js';
import { issueCertificate } from '../../../core/pki/issue-certificate.js';
import {
  createSuccessorRoot,
  RootRolloverRefusedError,
  type SuccessorRoot,
} from '../../../core/pki/root-rollover.js';
import { generateSerialNumber } from '../../../core/pki/serial-number.js';
import { scratch, type Scratch } from './openssl.js';

describe('a root rollover', () => {
  const now = new Date();
  const old = createCaHierarchy({ organization: 'Acme', now });
  let next: SuccessorRoot;
  let s: Scratch;

  beforeAll(() => {
    s = scratch();
    next = createSuccessorRoot(
      { certificateDer: old.root.certificateDer, privateKey: old.root.privateKey },
      { organization: 'Acme', now, generation: 2 },
    );
    const leaf = issueCertificate({
      ca: next.issuing,
      publicKey: generateRsaKey(2048).publicKey,
      profile: 'device-identity',
      template: { commonName: randomUUID() },
      serial: generateSerialNumber(),
      now,
    });
    s.write('leaf.pem', leaf.pem);
    s.write('old-root.pem', old.root.certificatePem);
    s.write('new-root.pem', next.root.certificatePem);
    s.write('issuing.pem', next.issuing.certificatePem);
    s.write('cross-and-issuing.pem', next.crossCertificatePem + next.issuing.certificatePem);
    s.write('old-issuing.pem', old.issuing.certificatePem);
  });
  afterAll(() => s.remove());

  it('chains an identity of the new issuing CA to the new root', () => {
    expect(
      s.openssl('verify', '-x509_strict', '-CAfile', 'new-root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'),
    ).toContain('leaf.pem: OK');
  });

  it('chains it to the old root through the cross-certificate, for devices that trust only the old root', () => {
    expect(
      s.openssl(
        'verify',
        '-x509_strict',
        '-CAfile',
        'old-root.pem',
        '-untrusted',
        'cross-and-issuing.pem',
        'leaf.pem',
      ),
    ).toContain('leaf.pem: OK');
    // Without the cross-certificate the old trust cannot reach the new issuing CA.
    expect(() =>
      s.openssl('verify', '-CAfile', 'old-root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'),
    ).toThrow(/unable to get local issuer certificate|unable to get issuer certificate/);
  });

  it('keeps the old root’s name and a cross-certificate no longer valid than the old root', () => {
    const text = s.openssl(
      'x509',
      '-in',
      s.write('cross.pem', next.crossCertificatePem),
      '-noout',
      '-subject',
      '-issuer',
      '-enddate',
    );
    const subject = s.openssl('x509', '-in', 'old-root.pem', '-noout', '-subject').trim();
    expect(text).toContain(subject);
    expect(text).toContain(subject.replace('subject', 'issuer'));
    expect(next.root.certificateDer.equals(old.root.certificateDer)).toBe(false);
    expect(new Date(/notAfter=(.*)/.exec(text)![1]!).getTime()).toBeLessThanOrEqual(
      old.root.notAfter.getTime(),
    );
  });

  it('refuses an old root whose key Keep does not hold, naming what is needed', () => {
    const attempt = () =>
      createSuccessorRoot(
        { certificateDer: old.root.certificateDer, privateKey: null },
        { organization: 'Acme', now, generation: 2 },
      );
    expect(attempt).toThrow(RootRolloverRefusedError);
    expect(attempt).toThrow(/does not hold the root CA key.*Import the root key/s);
  });
});
