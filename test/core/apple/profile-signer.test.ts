import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnrollmentProfile } from '../../../core/apple/enrollment-profile.js';
import { buildPlist, parsePlistDict } from '../../../core/apple/plist-codec.js';
import { ProfileSigningError, signProfile, type ProfileSigner } from '../../../core/apple/profile-signer.js';
import { validateProfile } from '../../../core/apple/schemas/apple-schema.js';
import { enrollmentInput } from './fixtures.js';

let dir: string;
let signer: ProfileSigner;

function openssl(...args: string[]): Buffer {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keep-profile-signer-'));
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Keep Test CA',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'signer.key',
    '-out',
    'signer.csr',
    '-subj',
    '/CN=Keep Profile Signer',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'signer.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'signer.pem',
    '-days',
    '2',
  );
  signer = {
    certPem: readFileSync(join(dir, 'signer.pem'), 'utf8'),
    keyPem: readFileSync(join(dir, 'signer.key'), 'utf8'),
    chainPem: [readFileSync(join(dir, 'ca.pem'), 'utf8')],
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('signProfile', () => {
  it('produces DER SignedData that openssl verifies, whose content round-trips and validates', () => {
    const xml = buildPlist(buildEnrollmentProfile(enrollmentInput));
    const signed = signProfile(new TextEncoder().encode(xml), signer);
    writeFileSync(join(dir, 'profile.der'), signed);

    const content = openssl('cms', '-verify', '-inform', 'DER', '-in', 'profile.der', '-noverify').toString(
      'utf8',
    );
    expect(content).toBe(xml);
    expect(validateProfile(parsePlistDict(content))).toEqual([]);

    // With the chain checked too: the signer certificate and intermediates are embedded.
    openssl(
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      'profile.der',
      '-CAfile',
      'ca.pem',
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    );
    const certs = openssl('pkcs7', '-inform', 'DER', '-in', 'profile.der', '-print_certs').toString();
    expect(certs).toContain('Keep Profile Signer');
    expect(certs).toContain('Keep Test CA');
  });

  it('fails verification when the signed content is tampered with', () => {
    const xml = buildPlist({ PayloadType: 'Configuration', Name: 'AAAA' });
    const signed = Buffer.from(signProfile(new TextEncoder().encode(xml), signer));
    const at = signed.indexOf('AAAA');
    signed[at] = 'B'.charCodeAt(0);
    writeFileSync(join(dir, 'tampered.der'), signed);
    expect(() => openssl('cms', '-verify', '-inform', 'DER', '-in', 'tampered.der', '-noverify')).toThrow();
  });

  it('throws a typed error that does not echo the key', () => {
    let error: unknown;
    try {
      signProfile(new Uint8Array([1]), { ...signer, keyPem: 'not a key SECRET' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProfileSigningError);
    expect((error as Error).message).not.toContain('SECRET');
  });
});
