import { describe, expect, it } from 'vitest';
import { diffPolicies, type Policy } from '../../../core/policy/index.js';

const base: Policy = {
  schemaVersion: 1,
  name: 'baseline',
  version: 1,
  settings: {
    passcode: { minLength: 8 },
    wifi: [{ ssid: 'Office', security: 'wpa2-personal', password: 'password1' }],
  },
};

describe('diffPolicies', () => {
  it('names each changed, added and removed field by its path, with indexes', () => {
    const after: Policy = {
      ...base,
      version: 2,
      settings: {
        passcode: { minLength: 12, requireAlphanumeric: true },
        wifi: [{ ssid: 'Office 2', security: 'wpa2-personal', password: 'password1' }],
        firewall: { enabled: true },
      },
    };
    expect(diffPolicies(base, after)).toEqual([
      { path: 'settings.firewall', change: 'added', after: { enabled: true } },
      { path: 'settings.passcode.minLength', change: 'changed', before: 8, after: 12 },
      { path: 'settings.passcode.requireAlphanumeric', change: 'added', after: true },
      { path: 'settings.wifi[0].ssid', change: 'changed', before: 'Office', after: 'Office 2' },
    ]);
  });

  it('does not report the server-assigned version as a change', () => {
    expect(diffPolicies(base, { ...base, version: 7 })).toEqual([]);
  });

  it('reports a list item removed at its index', () => {
    const after: Policy = { ...base, settings: { ...base.settings, wifi: [] } };
    expect(diffPolicies(base, after)).toEqual([
      { path: 'settings.wifi[0]', change: 'removed', before: base.settings.wifi![0] },
    ]);
  });
});
