import { describe, expect, it } from 'vitest';
import { canAttest } from '../../../core/apple/attestation-capability.js';

describe('canAttest', () => {
  it('says yes for Apple silicon Macs on macOS 14 and A11-or-later iPhones and iPads on 16 / 16.1', () => {
    expect(canAttest({ product: 'Mac14,2', osVersion: '14.0' })).toBe(true);
    expect(canAttest({ product: 'MacBookAir10,1', osVersion: '15.1' })).toBe(true);
    expect(canAttest({ product: 'MacBookPro18,3', osVersion: '14.2.1' })).toBe(true);
    expect(canAttest({ product: 'iPhone10,4', osVersion: '16.0' })).toBe(true);
    expect(canAttest({ product: 'iPad13,1', osVersion: '16.1' })).toBe(true);
  });

  it('falls back for Intel Macs, older OS versions, A9/A10 devices and anything unknown', () => {
    expect(canAttest({ product: 'MacBookPro16,1', osVersion: '14.5' })).toBe(false);
    expect(canAttest({ product: 'iMacPro1,1', osVersion: '14.5' })).toBe(false);
    expect(canAttest({ product: 'Mac14,2', osVersion: '13.6' })).toBe(false);
    expect(canAttest({ product: 'iPad7,5', osVersion: '17.0' })).toBe(false);
    expect(canAttest({ product: 'iPad13,1', osVersion: '16.0.3' })).toBe(false);
    expect(canAttest({ product: 'iPhone9,1', osVersion: '15.8' })).toBe(false);
    expect(canAttest({ osVersion: '17.0' })).toBe(false);
    expect(canAttest({ product: 'Mac14,2' })).toBe(false);
  });

  it("trusts the inventory's IsAppleSilicon over the model generation", () => {
    expect(canAttest({ product: 'MacBookPro16,1', osVersion: '14.5', appleSilicon: true })).toBe(true);
    expect(canAttest({ product: 'Mac14,2', osVersion: '14.5', appleSilicon: false })).toBe(false);
  });
});
