import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkChallenge,
  generateChallenge,
  hashChallenge,
  isWellFormedChallenge,
  type ChallengeRecord,
} from '../../../core/pki/scep-challenge.js';

describe('SCEP challenges', () => {
  const pepper = randomBytes(32);
  const now = new Date('2026-11-28T10:00:00Z');
  const boundTo = { kind: 'enrollment', id: 'enr_1' } as const;
  const record: ChallengeRecord = {
    hash: hashChallenge('x'.repeat(43), pepper),
    purpose: 'device-identity',
    boundTo,
    expiresAt: new Date(now.getTime() + 60_000),
    usedAt: null,
  };
  const expected = { purpose: 'device-identity', boundTo, now } as const;

  it('generates distinct 256-bit base64url challenges', () => {
    const a = generateChallenge();
    expect(isWellFormedChallenge(a)).toBe(true);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(generateChallenge()).not.toBe(a);
  });

  it('hashes with the pepper, so the same challenge under another pepper does not match', () => {
    const c = generateChallenge();
    expect(hashChallenge(c, pepper)).toBe(hashChallenge(c, pepper));
    expect(hashChallenge(c, randomBytes(32))).not.toBe(hashChallenge(c, pepper));
    expect(hashChallenge(c, pepper)).not.toContain(c);
  });

  it('accepts a fresh, unused challenge for its purpose and binding', () => {
    expect(checkChallenge(record, expected)).toEqual({ ok: true });
  });

  it.each([
    ['unknown', undefined, expected],
    ['expired', { ...record, expiresAt: now }, expected],
    ['used', { ...record, usedAt: now }, expected],
    ['wrong-purpose', record, { ...expected, purpose: 'wifi' }],
    ['foreign', record, { ...expected, boundTo: { kind: 'enrollment', id: 'enr_2' } }],
    ['foreign', record, { ...expected, boundTo: { kind: 'device', id: 'enr_1' } }],
  ] as const)('refuses it as %s', (reason, rec, exp) => {
    expect(checkChallenge(rec, exp)).toEqual({ ok: false, reason });
  });

  it('says only "foreign" about a used, expired challenge bound to someone else', () => {
    const stale = { ...record, usedAt: now, expiresAt: now };
    expect(checkChallenge(stale, { ...expected, boundTo: { kind: 'device', id: 'other' } })).toEqual({
      ok: false,
      reason: 'foreign',
    });
  });

  it('refuses a short pepper', () => {
    expect(() => hashChallenge('c', randomBytes(16))).toThrow(RangeError);
  });
});
