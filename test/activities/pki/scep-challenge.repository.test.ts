import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  consumeChallenge,
  createChallenge,
  deleteExpiredChallenges,
  findChallenge,
} from '../../../activities/pki/scep-challenge.repository.js';
import { generateChallenge, hashChallenge } from '../../../core/pki/scep-challenge.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('scep-challenge repository', () => {
  const t = useTestDatabase();
  const pepper = randomBytes(32);
  const now = new Date('2026-11-28T10:00:00Z');
  const boundTo = { kind: 'enrollment', id: 'enr_1' } as const;
  const expected = { purpose: 'device-identity', boundTo, now } as const;
  afterAll(() => t.drop());

  const fresh = async (expiresAt = new Date(now.getTime() + 600_000)) => {
    const hash = hashChallenge(generateChallenge(), pepper);
    await createChallenge(t.core.db, { hash, purpose: 'device-identity', boundTo, expiresAt });
    return hash;
  };

  it('consumes a challenge once, then reports it as used', async () => {
    const hash = await fresh();
    expect(await consumeChallenge(t.core.db, hash, expected)).toEqual({ ok: true });
    expect(await consumeChallenge(t.core.db, hash, expected)).toEqual({ ok: false, reason: 'used' });
    expect((await findChallenge(t.core.db, hash))?.usedAt).toEqual(now);
  });

  it('lets exactly one of twenty concurrent uses win', async () => {
    const hash = await fresh();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => consumeChallenge(t.core.db, hash, expected)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'used')).toHaveLength(19);
  });

  it('refuses unknown, expired, foreign and wrong-purpose uses without consuming the challenge', async () => {
    expect(await consumeChallenge(t.core.db, 'nope', expected)).toEqual({ ok: false, reason: 'unknown' });
    const expired = await fresh(now);
    expect(await consumeChallenge(t.core.db, expired, expected)).toEqual({ ok: false, reason: 'expired' });
    const hash = await fresh();
    expect(
      await consumeChallenge(t.core.db, hash, { ...expected, boundTo: { kind: 'device', id: 'enr_1' } }),
    ).toEqual({ ok: false, reason: 'foreign' });
    expect(await consumeChallenge(t.core.db, hash, { ...expected, purpose: 'wifi' })).toEqual({
      ok: false,
      reason: 'wrong-purpose',
    });
    expect(await consumeChallenge(t.core.db, hash, expected)).toEqual({ ok: true });
  });

  it('deletes expired challenges', async () => {
    const old = await fresh(new Date(now.getTime() - 1000));
    expect(await deleteExpiredChallenges(t.core.db, now)).toBeGreaterThanOrEqual(1);
    expect(await findChallenge(t.core.db, old)).toBeUndefined();
  });
});
