import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCsr, checkPublicKey, CsrPolicyError, MAX_CSR_BYTES } from '../../../core/pki/csr-policy.js';
import { opensslCsr, scratch, type Scratch } from './openssl.js';

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CsrPolicyError) return error.code;
    throw error;
  }
  throw new Error('expected a CsrPolicyError');
}

describe('checkCsr', () => {
  let s: Scratch;
  beforeAll(() => (s = scratch()));
  afterAll(() => s.remove());

  it('accepts an RSA 2048 CSR and returns its key, subject and challenge', () => {
    const csr = opensslCsr(s, 'rsa', ['-newkey', 'rsa:2048'], {
      subject: 'mine',
      challengePassword: 'c-123',
    });
    const accepted = checkCsr(csr);
    expect(accepted.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(accepted.requestedSubject).toBe('CN=mine');
    expect(accepted.challengePassword).toBe('c-123');
  });

  it('accepts EC P-256 and P-384 CSRs', () => {
    for (const curve of ['P-256', 'P-384']) {
      const csr = opensslCsr(s, curve, ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${curve}`]);
      expect(checkCsr(csr).publicKey.asymmetricKeyType).toBe('ec');
    }
  });

  it('leaves the challenge undefined when the CSR has none', () => {
    expect(
      checkCsr(opensslCsr(s, 'plain', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']))
        .challengePassword,
    ).toBeUndefined();
  });

  it('refuses a CSR with a 1024-bit key', () => {
    expect(rejection(() => checkCsr(opensslCsr(s, 'weak', ['-newkey', 'rsa:1024'])))).toBe('weak-key');
  });

  it('refuses an EC key on P-521 and an Ed25519 key', () => {
    const p521 = opensslCsr(s, 'p521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521']);
    expect(rejection(() => checkCsr(p521))).toBe('unsupported-key');
    expect(rejection(() => checkCsr(opensslCsr(s, 'ed', ['-newkey', 'ed25519'])))).toBe('unsupported-key');
  });

  it('refuses an RSA key whose exponent is not 65537', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    expect(rejection(() => checkPublicKey(publicKey))).toBe('weak-key');
  });

  it('refuses a CSR whose signature does not cover its content', () => {
    const csr = Buffer.from(
      opensslCsr(s, 'tamper', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], {
        subject: 'aaaa',
      }),
    );
    const at = csr.indexOf(Buffer.from('aaaa'));
    csr[at] = 'b'.charCodeAt(0);
    expect(rejection(() => checkCsr(csr))).toBe('bad-signature');
  });

  it('refuses bytes that are not a CSR, and oversized input before parsing', () => {
    expect(rejection(() => checkCsr(Buffer.from('not a csr')))).toBe('malformed');
    expect(rejection(() => checkCsr(Buffer.alloc(MAX_CSR_BYTES + 1)))).toBe('malformed');
  });
});
