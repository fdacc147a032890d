import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CmsError, TrustStore, verifySignedData } from '../../../core/cms/index.js';
import type { Fixtures } from './openssl-fixtures.js';
import { createFixtures, makeHierarchy } from './openssl-fixtures.js';

let f: Fixtures;
const content = Buffer.from('check-in body');

function signed(signer: string, intermediate: string) {
  const der = f.openssl(
    'cms',
    '-sign',
    '-binary',
    '-in',
    'body.bin',
    '-signer',
    `${signer}.pem`,
    '-inkey',
    `${signer}.key`,
    '-certfile',
    `${intermediate}.pem`,
    '-outform',
    'DER',
  );
  return verifySignedData(der, { detachedContent: content });
}

function untrusted(run: () => unknown): string {
  try {
    run();
    return 'trusted';
  } catch (error) {
    if (error instanceof CmsError) return error.code;
    throw error;
  }
}

beforeAll(() => {
  f = createFixtures();
  makeHierarchy(f);
  writeFileSync(f.path('body.bin'), content);
});

describe('TrustStore', () => {
  it('accepts a signer that chains through a CA intermediate to the anchor', () => {
    const store = new TrustStore([f.der('root.pem')]);
    const result = signed('leaf', 'inter');
    const { chain, anchor } = store.verify(result.signer.certificate, result.certificates);
    expect(chain.map((c) => c.x509.subject)).toEqual([
      expect.stringContaining('device-1'),
      expect.stringContaining('Test Intermediate'),
      expect.stringContaining('Test Root'),
    ]);
    expect(anchor.der).toEqual(f.der('root.pem'));
  });

  it('rejects an intermediate without basicConstraints CA=true', () => {
    const store = new TrustStore([f.der('root.pem')]);
    const result = signed('rogue-leaf', 'rogue');
    expect(untrusted(() => store.verify(result.signer.certificate, result.certificates))).toBe('untrusted');
  });

  it('rejects a chain to a different anchor, and a missing intermediate', () => {
    const result = signed('leaf', 'inter');
    expect(
      untrusted(() =>
        new TrustStore([f.der('rogue.pem')]).verify(result.signer.certificate, result.certificates),
      ),
    ).toBe('untrusted');
    expect(untrusted(() => new TrustStore([f.der('root.pem')]).verify(result.signer.certificate, []))).toBe(
      'untrusted',
    );
  });

  it('re-checks validity against the clock even for a cached verdict', () => {
    let now = new Date();
    const store = new TrustStore([f.der('root.pem')], { now: () => now });
    const result = signed('leaf', 'inter');
    const first = store.verify(result.signer.certificate, result.certificates);
    expect(store.verify(result.signer.certificate, [])).toBe(first); // cached: no intermediates needed
    now = new Date(Date.now() + 11 * 86_400_000);
    expect(untrusted(() => store.verify(result.signer.certificate, result.certificates))).toBe('untrusted');
    now = new Date(Date.now() - 86_400_000);
    expect(untrusted(() => store.verify(result.signer.certificate, result.certificates))).toBe('untrusted');
  });
});
