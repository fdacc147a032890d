import { describe, expect, it } from 'vitest';
import forge from 'node-forge';
import {
  parsePushCertificate,
  PushCertificateError,
  PushCertificateKeyMismatchError,
  PushCertificateNoTopicError,
  PushCertificatePasswordError,
  PushCertificateValidityError,
} from '../../../core/apple/push-certificate.js';
import { createTestPushCertificate } from '../../support/push-cert.js';

const now = new Date();

function problemOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof PushCertificateError) return error.problem;
    throw error;
  }
  return undefined;
}

describe('parsePushCertificate', () => {
  const push = createTestPushCertificate();

  it('reads the topic from the subject UID of a PEM pair', () => {
    const parsed = parsePushCertificate({ kind: 'pem', certPem: push.certPem, keyPem: push.keyPem }, { now });
    expect(parsed.topic).toBe(push.topic);
    expect(parsed.topic).toMatch(/^com\.apple\.mgmt\.External\.[0-9a-f-]{36}$/);
    expect(parsed.notAfter.getTime()).toBeGreaterThan(now.getTime());
    expect(parsed.certPem).toContain('BEGIN CERTIFICATE');
    expect(parsed.keyPem).toContain('PRIVATE KEY');
  });

  it('imports a PKCS#12 file with the right password', () => {
    const parsed = parsePushCertificate(
      { kind: 'pkcs12', data: push.p12, password: push.p12Password },
      { now },
    );
    expect(parsed.topic).toBe(push.topic);
    expect(forge.pki.certificateFromPem(parsed.certPem).serialNumber).toBe(
      forge.pki.certificateFromPem(push.certPem).serialNumber,
    );
  });

  it('refuses a PKCS#12 file with the wrong password', () => {
    expect(() =>
      parsePushCertificate({ kind: 'pkcs12', data: push.p12, password: 'not-the-password' }, { now }),
    ).toThrow(PushCertificatePasswordError);
  });

  it('refuses a certificate whose subject has no UID', () => {
    const noUid = createTestPushCertificate({ withoutUid: true });
    expect(() =>
      parsePushCertificate({ kind: 'pem', certPem: noUid.certPem, keyPem: noUid.keyPem }, { now }),
    ).toThrow(PushCertificateNoTopicError);
  });

  it('refuses a key that belongs to another certificate', () => {
    const other = createTestPushCertificate();
    expect(() =>
      parsePushCertificate({ kind: 'pem', certPem: push.certPem, keyPem: other.keyPem }, { now }),
    ).toThrow(PushCertificateKeyMismatchError);
  });

  it('refuses an expired certificate and says when it expired', () => {
    const expired = createTestPushCertificate({
      notBefore: new Date(now.getTime() - 400 * 86_400_000),
      notAfter: new Date(now.getTime() - 86_400_000),
    });
    let caught: unknown;
    try {
      parsePushCertificate({ kind: 'pem', certPem: expired.certPem, keyPem: expired.keyPem }, { now });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PushCertificateValidityError);
    expect((caught as PushCertificateValidityError).problem).toBe('expired');
    expect((caught as Error).message).toContain('expired on');
  });

  it('refuses an app push certificate whose topic is not an MDM topic', () => {
    const app = createTestPushCertificate({ topic: 'com.example.someapp' });
    expect(
      problemOf(() =>
        parsePushCertificate({ kind: 'pem', certPem: app.certPem, keyPem: app.keyPem }, { now }),
      ),
    ).toBe('not-mdm-topic');
  });

  it('names garbage input as unreadable or missing parts', () => {
    expect(
      problemOf(() =>
        parsePushCertificate({ kind: 'pkcs12', data: new Uint8Array([1, 2, 3, 4]), password: 'x' }, { now }),
      ),
    ).toBe('unreadable');
    expect(
      problemOf(() => parsePushCertificate({ kind: 'pem', certPem: 'hello', keyPem: push.keyPem }, { now })),
    ).toBe('missing-certificate');
    expect(
      problemOf(() => parsePushCertificate({ kind: 'pem', certPem: push.certPem, keyPem: 'hello' }, { now })),
    ).toBe('missing-key');
    const brokenPem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(
      problemOf(() =>
        parsePushCertificate({ kind: 'pem', certPem: brokenPem, keyPem: push.keyPem }, { now }),
      ),
    ).toBe('unreadable');
  });

  it('never puts the private key in an error message', () => {
    expect.assertions(1);
    const other = createTestPushCertificate();
    const keyBody = other.keyPem.split('\n')[1]!;
    try {
      parsePushCertificate({ kind: 'pem', certPem: push.certPem, keyPem: other.keyPem }, { now });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(keyBody);
    }
  });
});
