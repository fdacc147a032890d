import { describe, expect, it } from 'vitest';
import * as f from './policy-fixtures.js';

describe('firewall on Apple devices', () => {
  it('becomes the firewall payload on macOS', () => {
    const t = f.translate(
      { firewall: { enabled: true, blockAllIncoming: false, stealthMode: true } },
      f.macOS12,
    );
    expect(f.payloadsOf(t, 'com.apple.security.firewall')).toEqual([
      expect.objectContaining({ EnableFirewall: true, BlockAllIncoming: false, EnableStealthMode: true }),
    ]);
    expect(t.notApplicable).toEqual([]);
  });

  it('travels through a legacy profile declaration where DDM takes one', () => {
    const t = f.translate({ firewall: { enabled: true } }, f.macOS15Supervised);
    expect(t.profiles[0]?.delivery).toBe('declaration');
    expect(f.declarationOf(t, 'com.apple.configuration.legacy')?.payload.ProfileURL).toMatch(
      /^https:\/\/mdm\.example\.com\/mdm\/profiles\/com\.example\.keep\.policy\.baseline\.profile\.firewall\.mobileconfig\?v=[0-9a-f]{32}$/,
    );
  });

  it('is reported not applicable on iOS', () => {
    const t = f.translate({ firewall: { enabled: true } }, f.iOS18Supervised);
    expect(t.profiles).toEqual([]);
    expect(t.notApplicable).toEqual([
      { setting: 'firewall', reason: 'not applicable on iOS 18.1: iOS has no such setting' },
    ]);
  });
});
