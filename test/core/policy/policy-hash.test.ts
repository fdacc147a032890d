import { describe, expect, it } from 'vitest';
import { parsePolicy, policyContentHash } from '../../../core/policy/index.js';

const base = {
  schemaVersion: 1,
  name: 'baseline',
  settings: { firewall: { enabled: true, stealthMode: true } },
};

describe('policyContentHash', () => {
  it('is the same whatever the key order or the format', () => {
    const yaml =
      'settings:\n  firewall:\n    stealthMode: true\n    enabled: true\nname: baseline\nschemaVersion: 1\n';
    expect(policyContentHash(parsePolicy(yaml, 'yaml'))).toBe(
      policyContentHash(parsePolicy(JSON.stringify(base), 'json')),
    );
  });

  it('ignores the server-assigned version', () => {
    const withVersion = parsePolicy(JSON.stringify({ ...base, version: 7 }), 'json');
    expect(policyContentHash(withVersion)).toBe(policyContentHash(parsePolicy(JSON.stringify(base), 'json')));
  });

  it('changes when a setting changes', () => {
    const changed = { ...base, settings: { firewall: { enabled: true, stealthMode: false } } };
    expect(policyContentHash(parsePolicy(JSON.stringify(changed), 'json'))).not.toBe(
      policyContentHash(parsePolicy(JSON.stringify(base), 'json')),
    );
  });
});
