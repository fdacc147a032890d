import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../../edge/apple/push/backoff.js';

describe('backoffDelay', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the ceiling each retry and caps it', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(policy, retry, () => 0.999_999));
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('jitters below the ceiling', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
  });
});
