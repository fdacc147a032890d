import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../../../core/policy/index.js';
import * as f from './policy-fixtures.js';

describe('raw Apple payloads', () => {
  it('pass a profile payload through with its common keys filled in', () => {
    const t = f.translate(
      {
        raw: {
          apple: { profilePayloads: [{ PayloadType: 'com.apple.security.firewall', EnableFirewall: true }] },
        },
      },
      f.macOS12,
    );
    expect(f.payloadsOf(t, 'com.apple.security.firewall')).toEqual([
      expect.objectContaining({
        EnableFirewall: true,
        PayloadIdentifier: 'com.example.keep.policy.baseline.raw.0',
        PayloadVersion: 1,
      }),
    ]);
  });

  it('pass a declaration through with a stable identifier', () => {
    const t = f.translate(
      {
        raw: {
          apple: {
            declarations: [
              {
                type: 'com.apple.configuration.math.settings',
                payload: { Calculator: { BasicMode: { AddSquareRoot: true } } },
              },
            ],
          },
        },
      },
      f.iOS18Supervised,
    );
    expect(f.declarationOf(t, 'com.apple.configuration.math.settings')?.identifier).toBe(
      'com.example.keep.policy.baseline.raw.0',
    );
  });

  it('report a raw payload the platform lacks as not applicable', () => {
    const t = f.translate(
      {
        raw: {
          apple: { profilePayloads: [{ PayloadType: 'com.apple.security.firewall', EnableFirewall: true }] },
        },
      },
      f.iOS18Supervised,
    );
    expect(t.profiles).toEqual([]);
    expect(t.notApplicable).toEqual([
      {
        setting: 'raw.apple.profilePayloads[0]',
        reason: 'not applicable on iOS 18.1: iOS has no such setting',
      },
    ]);
  });

  it('refuse a payload that fails Apple’s schema, naming the field', () => {
    const settings = {
      raw: {
        apple: { profilePayloads: [{ PayloadType: 'com.apple.security.firewall', EnableFirewall: 'yes' }] },
      },
    };
    expect(() => f.translate(settings, f.macOS12)).toThrow(PolicyError);
    expect(() => f.translate(settings, f.macOS12)).toThrow(
      /settings\.raw\.apple\.profilePayloads\[0\]\.EnableFirewall/,
    );
  });

  it('refuse an unknown declaration type, naming the field', () => {
    const settings = {
      raw: { apple: { declarations: [{ type: 'com.apple.configuration.nope', payload: {} }] } },
    };
    expect(() => f.translate(settings, f.iOS18Supervised)).toThrow(
      /settings\.raw\.apple\.declarations\[0\]\.type/,
    );
  });
});
