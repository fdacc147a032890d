import { describe, expect, it } from 'vitest';
import { renewalDueAt, renewalJitter } from '../../../core/pki/renewal-due.js';

const DAY = 86_400_000;

describe('renewalDueAt', () => {
  const notAfter = new Date('2027-06-01T00:00:00Z');

  it('places every device in the first half of the window, the same place on every run', () => {
    for (let i = 0; i < 200; i++) {
      const due = renewalDueAt(notAfter, 30, `enrollment-${i}`).getTime();
      expect(due).toBeGreaterThanOrEqual(notAfter.getTime() - 30 * DAY);
      expect(due).toBeLessThan(notAfter.getTime() - 15 * DAY);
      expect(renewalDueAt(notAfter, 30, `enrollment-${i}`).getTime()).toBe(due);
    }
  });

  it('spreads a fleet that expires together over the half window instead of one day', () => {
    const days = new Set(
      Array.from({ length: 500 }, (_, i) =>
        Math.floor((notAfter.getTime() - renewalDueAt(notAfter, 30, `enrollment-${i}`).getTime()) / DAY),
      ),
    );
    // 500 devices over 15 days: every day of the half window gets some.
    expect(days.size).toBe(15);
  });

  it('derives the jitter from the key alone, in [0, 1)', () => {
    expect(renewalJitter('a')).toBe(renewalJitter('a'));
    expect(renewalJitter('a')).not.toBe(renewalJitter('b'));
    expect(renewalJitter('a')).toBeGreaterThanOrEqual(0);
    expect(renewalJitter('a')).toBeLessThan(1);
  });
});
