import { describe, expect, it } from 'vitest';
import { createAcmeRateLimit } from '../../../edge/acme/acme-rate-limit.js';

describe('createAcmeRateLimit', () => {
  it('refuses an address over its limit until its window ends, and not the others', () => {
    let now = 0;
    const limit = createAcmeRateLimit({ perWindow: 3, windowMs: 60_000, maxAddresses: 10, now: () => now });
    for (let i = 0; i < 3; i++) expect(limit.charge('10.0.0.1')).toBeUndefined();
    expect(limit.blocked('10.0.0.1')).toBe(60);
    now = 15_000;
    expect(limit.charge('10.0.0.1')).toBe(45);
    expect(limit.charge('10.0.0.2')).toBeUndefined();
    now = 60_000;
    expect(limit.blocked('10.0.0.1')).toBeUndefined();
  });

  it('remembers at most maxAddresses, forgetting the oldest', () => {
    const limit = createAcmeRateLimit({ perWindow: 1, windowMs: 60_000, maxAddresses: 100, now: () => 0 });
    for (let i = 0; i < 10_000; i++) limit.charge(`10.0.${i >> 8}.${i & 255}`);
    expect(limit.size).toBe(100);
    expect(limit.blocked('10.0.39.15')).toBe(60);
  });
});
