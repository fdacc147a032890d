import { describe, expect, it } from 'vitest';
import { compareOsVersions, osUpdateCompliance } from '../../../core/policy/index.js';

const update = { minimumVersion: '18.1', deadline: '2026-12-01T18:00:00' };

describe('osUpdateCompliance', () => {
  it('is compliant at or above the minimum, whatever the date', () => {
    expect(osUpdateCompliance(update, '18.1', new Date('2027-01-01T00:00:00Z'))).toBe('compliant');
    expect(osUpdateCompliance(update, '18.2.1', new Date('2027-01-01T00:00:00Z'))).toBe('compliant');
  });

  it('is pending below the minimum before the deadline and overdue after it', () => {
    expect(osUpdateCompliance(update, '18.0.1', new Date('2026-12-01T17:59:59Z'))).toBe('pending');
    expect(osUpdateCompliance(update, '18.0.1', new Date('2026-12-01T18:00:00Z'))).toBe('overdue');
  });

  it("reads the deadline in the device's time zone when its offset is known", () => {
    // 18:00 in UTC+2 is 16:00 UTC.
    expect(osUpdateCompliance(update, '17.7', new Date('2026-12-01T16:30:00Z'), 120)).toBe('overdue');
    expect(osUpdateCompliance(update, '17.7', new Date('2026-12-01T16:30:00Z'))).toBe('pending');
  });
});

describe('compareOsVersions', () => {
  it('compares numerically part by part, missing parts being zero', () => {
    expect(compareOsVersions('17.10', '17.9')).toBe(1);
    expect(compareOsVersions('17', '17.0.0')).toBe(0);
    expect(compareOsVersions('14.6.1', '15')).toBe(-1);
  });
});
