import { describe, expect, it } from 'vitest';
import { pushCertificateExpiry } from '../../../core/apple/push-certificate-expiry.js';

const DAY = 86_400_000;
const now = new Date('2027-01-01T00:00:00Z');
const expiringIn = (ms: number) => pushCertificateExpiry(new Date(now.getTime() + ms), now);

describe('pushCertificateExpiry', () => {
  it('warns at 30, 14, 7 and 1 days before expiry, and once expired', () => {
    expect(expiringIn(31 * DAY).warning).toBe('none');
    expect(expiringIn(30 * DAY).warning).toBe('30-days');
    expect(expiringIn(15 * DAY).warning).toBe('30-days');
    expect(expiringIn(14 * DAY).warning).toBe('14-days');
    expect(expiringIn(7 * DAY).warning).toBe('7-days');
    expect(expiringIn(2 * DAY).warning).toBe('7-days');
    expect(expiringIn(DAY).warning).toBe('1-day');
    expect(expiringIn(1).warning).toBe('1-day');
    expect(expiringIn(0).warning).toBe('expired');
    expect(expiringIn(-DAY).warning).toBe('expired');
  });

  it('counts whole days left', () => {
    expect(expiringIn(10 * DAY + 5).daysLeft).toBe(10);
    expect(expiringIn(DAY - 1).daysLeft).toBe(0);
    expect(expiringIn(-1).daysLeft).toBe(-1);
  });
});
