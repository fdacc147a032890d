import { describe, expect, it } from 'vitest';
import { localAdminPasswordHash } from '../../../core/apple/local-admin-password-hash.js';
import { isPlistDict, parsePlistDict } from '../../../core/apple/plist-codec.js';

describe('localAdminPasswordHash', () => {
  it("holds Apple's SALTED-SHA512-PBKDF2 dictionary, with a fresh 32-byte salt each time", () => {
    const read = (data: Uint8Array) => {
      const inner = parsePlistDict(data)['SALTED-SHA512-PBKDF2'];
      if (!isPlistDict(inner)) throw new Error('no SALTED-SHA512-PBKDF2 dictionary');
      return inner as { entropy: Uint8Array; iterations: number; salt: Uint8Array };
    };
    const first = read(localAdminPasswordHash('same password'));
    const second = read(localAdminPasswordHash('same password'));
    expect(first.salt.byteLength).toBe(32);
    expect(first.entropy.byteLength).toBe(128);
    // Apple's range when the server cannot time the Mac's own hash.
    expect(first.iterations).toBeGreaterThanOrEqual(20_000);
    expect(first.iterations).toBeLessThanOrEqual(40_000);
    expect(Buffer.from(first.salt).equals(Buffer.from(second.salt))).toBe(false);
    expect(Buffer.from(first.entropy).equals(Buffer.from(second.entropy))).toBe(false);
  });
});
