import { createPrivateKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateCache,
  CmsError,
  OID,
  signSignedData,
  verifySignedData,
} from '../../../core/cms/index.js';
import type { Fixtures } from './openssl-fixtures.js';
import { createFixtures, makeHierarchy, read, withIndefiniteOuterLengths } from './openssl-fixtures.js';

let f: Fixtures;
const content = Buffer.from('{"MessageType":"Idle","UDID":"0000-1111"}'.repeat(20));

function sign(...extra: string[]): Buffer {
  return f.openssl(
    'cms',
    '-sign',
    '-binary',
    '-in',
    'content.bin',
    '-signer',
    'leaf.pem',
    '-inkey',
    'leaf.key',
    '-outform',
    'DER',
    ...extra,
  );
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CmsError) return error.code;
    throw error;
  }
  return 'no error';
}

beforeAll(() => {
  f = createFixtures();
  makeHierarchy(f);
  writeFileSync(f.path('content.bin'), content);
});

describe('verifySignedData', () => {
  it('verifies an openssl detached signature with signed attributes and returns the signer', () => {
    const result = verifySignedData(sign(), { detachedContent: content });
    expect(result.signer.certificate.der).toEqual(f.der('leaf.pem'));
    expect(result.signer.certificate.x509.subject).toContain('device-1');
    expect(result.content).toEqual(content);
    expect(result.signer.digest).toBe('sha256');
    expect(result.signer.signedAttributes?.has(OID.signingTime)).toBe(true);
  });

  it('verifies attached content (-nodetach)', () => {
    const result = verifySignedData(sign('-nodetach'));
    expect(result.content).toEqual(content);
  });

  it('verifies SHA-1 signatures without signed attributes (-noattr -md sha1)', () => {
    const result = verifySignedData(sign('-noattr', '-md', 'sha1'), { detachedContent: content });
    expect(result.signer.digest).toBe('sha1');
    expect(result.signer.signedAttributes).toBeUndefined();
  });

  it.each(['sha384', 'sha512'])('verifies %s digests', (md) => {
    expect(verifySignedData(sign('-md', md), { detachedContent: content }).signer.digest).toBe(md);
  });

  it('verifies BER indefinite-length encodings from -stream, attached and detached', () => {
    const attached = sign('-stream', '-nodetach', '-md', 'sha1');
    expect(attached.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x80]));
    expect(verifySignedData(attached).content).toEqual(content);
    const detached = withIndefiniteOuterLengths(sign('-md', 'sha1'));
    writeFileSync(f.path('ber-detached.der'), detached);
    // openssl accepts the rewritten message too, so the fixture is a valid BER encoding.
    f.openssl(
      'cms',
      '-verify',
      '-noverify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      'ber-detached.der',
      '-content',
      'content.bin',
      '-out',
      '/dev/null',
    );
    expect(verifySignedData(detached, { detachedContent: content }).content).toEqual(content);
  });

  it('verifies an ECDSA signer', () => {
    f.openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ec.key',
      '-subj',
      '/CN=ec',
      '-days',
      '2',
      '-out',
      'ec.pem',
    );
    const der = f.openssl(
      'cms',
      '-sign',
      '-binary',
      '-in',
      'content.bin',
      '-signer',
      'ec.pem',
      '-inkey',
      'ec.key',
      '-outform',
      'DER',
    );
    expect(
      verifySignedData(der, { detachedContent: content }).signer.certificate.publicKey.asymmetricKeyType,
    ).toBe('ec');
  });

  it('rejects tampered content and a tampered signature', () => {
    const der = sign();
    const tampered = Buffer.from(content);
    tampered[5] = (tampered[5] ?? 0) ^ 1;
    expect(codeOf(() => verifySignedData(der, { detachedContent: tampered }))).toBe('bad-signature');
    const noattr = sign('-noattr');
    expect(codeOf(() => verifySignedData(noattr, { detachedContent: tampered }))).toBe('bad-signature');
    const broken = Buffer.from(noattr);
    broken[broken.length - 10] = (broken[broken.length - 10] ?? 0) ^ 0xff; // inside the signature value, the last field
    expect(codeOf(() => verifySignedData(broken, { detachedContent: content }))).toBe('bad-signature');
  });

  it('rejects an RSA signer whose public exponent is 3', () => {
    f.openssl(
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-pkeyopt',
      'rsa_keygen_pubexp:3',
      '-out',
      'e3.key',
    );
    f.openssl('req', '-x509', '-new', '-key', 'e3.key', '-subj', '/CN=e3', '-days', '2', '-out', 'e3.pem');
    const der = f.openssl(
      'cms',
      '-sign',
      '-binary',
      '-in',
      'content.bin',
      '-signer',
      'e3.pem',
      '-inkey',
      'e3.key',
      '-outform',
      'DER',
    );
    expect(codeOf(() => verifySignedData(der, { detachedContent: content }))).toBe('unsupported');
  });

  it('rejects trailing bytes after the ContentInfo', () => {
    const der = Buffer.concat([sign(), Buffer.from([0, 0, 1])]);
    expect(codeOf(() => verifySignedData(der, { detachedContent: content }))).toBe('malformed');
  });

  it('refuses 10,000-deep nesting, definite and indefinite, with a typed error', () => {
    const depth = 10_000;
    const indefinite = Buffer.concat([
      Buffer.alloc(depth * 2, Buffer.from([0x30, 0x80])),
      Buffer.alloc(depth * 2),
    ]);
    let definite = Buffer.alloc(0);
    for (let i = 0; i < depth; i++) {
      const len = definite.length;
      const header =
        len < 128
          ? Buffer.from([0x30, len])
          : len < 256
            ? Buffer.from([0x30, 0x81, len])
            : Buffer.from([0x30, 0x82, len >> 8, len & 0xff]);
      if (len > 0xffff) break;
      definite = Buffer.concat([header, definite]);
    }
    expect(codeOf(() => verifySignedData(indefinite, { detachedContent: content }))).toBe('too-large');
    expect(codeOf(() => verifySignedData(definite, { detachedContent: content }))).toBe('too-large');
  });

  it('rejects input over the size cap, garbage and truncated DER', () => {
    expect(codeOf(() => verifySignedData(Buffer.alloc(2048, 0x30), { maxBytes: 1024 }))).toBe('too-large');
    expect(codeOf(() => verifySignedData(Buffer.from('hello world, not DER')))).toBe('malformed');
    const der = sign();
    expect(
      codeOf(() => verifySignedData(der.subarray(0, der.length - 40), { detachedContent: content })),
    ).toBe('malformed');
  });

  it('refuses a second signer unless asked, and then verifies both', () => {
    const der = f.openssl(
      'cms',
      '-sign',
      '-binary',
      '-in',
      'content.bin',
      '-signer',
      'leaf.pem',
      '-inkey',
      'leaf.key',
      '-signer',
      'inter.pem',
      '-inkey',
      'inter.key',
      '-outform',
      'DER',
    );
    expect(codeOf(() => verifySignedData(der, { detachedContent: content }))).toBe('unsupported');
    const both = verifySignedData(der, { detachedContent: content, allowMultipleSigners: true });
    expect(both.signers).toHaveLength(2);
  });

  it('refuses a detached signature without content, and content given twice', () => {
    expect(codeOf(() => verifySignedData(sign()))).toBe('malformed');
    expect(codeOf(() => verifySignedData(sign('-nodetach'), { detachedContent: content }))).toBe('malformed');
  });

  it('parses a certificate once per cache', () => {
    const cache = new CertificateCache(4);
    const der = sign();
    const a = verifySignedData(der, { detachedContent: content, certificateCache: cache });
    const b = verifySignedData(der, { detachedContent: content, certificateCache: cache });
    expect(b.signer.certificate).toBe(a.signer.certificate);
  });

  it('produces SignedData that openssl cms -verify accepts, attached and detached', () => {
    const signerKey = createPrivateKey(read(f, 'leaf.key'));
    const signerCertificate = f.der('leaf.pem');
    const attached = signSignedData({ content, signerCertificate, signerKey });
    writeFileSync(f.path('ours.der'), attached);
    const out = f.openssl('cms', '-verify', '-noverify', '-binary', '-inform', 'DER', '-in', 'ours.der');
    expect(out).toEqual(content);
    const detached = signSignedData({
      content,
      signerCertificate,
      signerKey,
      detached: true,
      digest: 'sha1',
    });
    writeFileSync(f.path('ours-detached.der'), detached);
    f.openssl(
      'cms',
      '-verify',
      '-noverify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      'ours-detached.der',
      '-content',
      'content.bin',
      '-out',
      '/dev/null',
    );
    expect(verifySignedData(detached, { detachedContent: content }).signer.digest).toBe('sha1');
  });
});
