import { describe, expect, it } from 'vitest';
import { serverToken } from '../../../../core/apple/declarative/index.js';
import { buildPlist } from '../../../../core/apple/plist-codec.js';
import {
  AppleTranslationError,
  buildPolicyProfile,
  translatePolicy,
  type AppleTarget,
} from '../../../../core/apple/policy/index.js';
import { commandSchema } from '../../../../core/apple/policy/policy-commands.js';
import { validateTranslation } from '../../../../core/apple/policy/validate-translation.js';
import {
  loadAppleSchema,
  validateAgainstSchema,
  validateCommand,
  validateProfile,
} from '../../../../core/apple/schemas/apple-schema.js';
import { declarationSchema } from '../../../../core/apple/policy/apple-support.js';
import * as f from './policy-fixtures.js';

/** Every setting, so that every translator runs for every target. */
const everything = {
  diskEncryption: { required: true },
  screenLock: { idleTimeoutMinutes: 5, gracePeriodMinutes: 1 },
  passcode: {
    required: true,
    minLength: 8,
    requireAlphanumeric: true,
    maxFailedAttempts: 10,
    historyCount: 5,
  },
  firewall: { enabled: true, stealthMode: true },
  osUpdates: [
    { platform: 'macOS', minimumVersion: '15.2', deadline: '2026-12-01T18:00:00' },
    { platform: 'iOS', minimumVersion: '18.2', deadline: '2026-12-01T18:00:00' },
  ],
  restrictions: { allowCamera: false, allowUsbStorage: false, allowAppStore: false, allowScreenshots: true },
  wifi: [
    {
      ssid: 'Office',
      security: 'wpa2-enterprise',
      identity: 'keep-ca',
      trustedServerNames: ['radius.example.com'],
    },
    { ssid: 'Guest', security: 'wpa3-personal', password: 'correct-horse' },
  ],
  certificates: [{ name: 'Example Root', pem: f.certificatePem }],
  apps: [
    { bundleId: 'com.example.app', action: 'install', appStoreId: '123456' },
    {
      bundleId: 'com.example.pkg',
      action: 'install',
      package: { url: 'https://cdn.example.com/a.pkg', sha256: 'a'.repeat(64), size: 10 },
    },
    { bundleId: 'com.example.old', action: 'remove' },
  ],
};

const TARGETS: [string, AppleTarget][] = [
  ['supervised macOS 15', f.macOS15Supervised],
  ['unsupervised macOS 15', f.macOS15Unsupervised],
  ['macOS 12', f.macOS12],
  ['supervised iOS 18', f.iOS18Supervised],
  ['unsupervised iOS 18', f.iOS18Unsupervised],
  ['User Enrollment iOS 18', f.iOS18User],
  ['supervised iOS 14', f.iOS14Supervised],
  ['supervised iPadOS 17', { ...f.iOS18Supervised, platform: 'iPadOS', osVersion: '17.0' }],
];

describe('translatePolicy', () => {
  it.each(TARGETS)('emits only what validates against Apple’s schemas for %s', (_, target) => {
    const t = f.translate(everything, target);
    const os = target.platform === 'macOS' ? 'macOS' : 'iOS';
    const options = { os, channel: 'device', userEnrollment: target.enrollment === 'user' } as const;
    for (const d of t.declarations) {
      const envelope = {
        Type: d.type,
        Identifier: d.identifier,
        ServerToken: serverToken(d),
        Payload: d.payload,
      };
      expect(
        validateAgainstSchema(loadAppleSchema('declarative/declarations/declarationbase.yaml'), envelope),
      ).toEqual([]);
      expect(validateAgainstSchema(declarationSchema(d.type), d.payload, options)).toEqual([]);
    }
    for (const p of t.profiles)
      expect(validateProfile(buildPolicyProfile(p, f.context), options)).toEqual([]);
    for (const c of t.commands) {
      expect(validateCommand(commandSchema(c.requestType), { CommandUUID: 'u', Command: c.command })).toEqual(
        [],
      );
    }
    // Nothing is dropped silently: each setting is in the output or reported.
    expect(t.declarations.length + t.profiles.length + t.commands.length).toBeGreaterThan(0);
  });

  it('gives the same bytes for the same input', () => {
    const render = () => {
      const t = f.translate(everything, f.macOS15Supervised);
      return JSON.stringify({
        declarations: t.declarations,
        profiles: t.profiles.map((p) => buildPlist(buildPolicyProfile(p, f.context))),
        commands: t.commands,
      });
    };
    expect(render()).toBe(render());
  });

  it('keeps a ServerToken for unchanged content and changes it exactly for changed content', () => {
    const tokens = (settings: Record<string, unknown>) =>
      new Map(
        f.translate(settings, f.iOS18Supervised).declarations.map((d) => [d.identifier, serverToken(d)]),
      );
    const before = tokens(everything);
    expect(tokens(everything)).toEqual(before);
    const after = tokens({ ...everything, passcode: { ...everything.passcode, minLength: 10 } });
    const changed = [...before.keys()].filter((id) => before.get(id) !== after.get(id));
    // The passcode declaration changed, and the properties carrying the policy's content hash with it.
    expect(changed.sort()).toEqual([
      'com.example.keep.policy.baseline.passcode',
      'com.example.keep.policy.baseline.properties',
    ]);
  });

  it('changes the legacy declaration when its profile changes, so the device fetches it again', () => {
    const legacy = (allowScreenshots: boolean) =>
      f
        .translate({ restrictions: { allowScreenshots } }, f.iOS18Supervised)
        .declarations.find((d) => d.type === 'com.apple.configuration.legacy')!;
    expect(serverToken(legacy(false))).toBe(serverToken(legacy(false)));
    expect(serverToken(legacy(false))).not.toBe(serverToken(legacy(true)));
  });

  it('sends a profile with a secret by InstallProfile, never as a legacy declaration the edge would hold', () => {
    const t = f.translate(
      { wifi: [{ ssid: 'Guest', security: 'wpa2-personal', password: 'correct-horse' }] },
      f.iOS18Supervised,
    );
    expect(t.profiles.map((p) => [p.setting, p.delivery])).toEqual([['wifi', 'command']]);
    expect(t.declarations.some((d) => d.type === 'com.apple.configuration.legacy')).toBe(false);
  });

  it('activates every configuration and names the policy in management properties', () => {
    const t = f.translate(everything, f.iOS18Supervised);
    const configurations = t.declarations.filter((d) => d.type.startsWith('com.apple.configuration.'));
    expect(f.declarationOf(t, 'com.apple.activation.simple')?.payload.StandardConfigurations).toEqual(
      configurations.map((d) => d.identifier).sort(),
    );
    expect(f.declarationOf(t, 'com.apple.management.properties')?.payload).toMatchObject({
      'keep.policy.name': 'baseline',
    });
  });

  it('emits no DDM at all where the OS has none', () => {
    const t = f.translate(everything, f.macOS12);
    expect(t.declarations).toEqual([]);
    expect(t.profiles.every((p) => p.delivery === 'command')).toBe(true);
  });

  it('names the key when something Keep built fails Apple’s schema', () => {
    const bad = {
      declarations: [
        {
          type: 'com.apple.configuration.passcode.settings',
          identifier: 'x',
          payload: { MinimumLength: 'eight' },
        },
      ],
      profiles: [],
      commands: [],
      notApplicable: [],
    };
    expect(() => validateTranslation(bad, f.iOS18Supervised, f.context)).toThrow(AppleTranslationError);
    try {
      validateTranslation(bad, f.iOS18Supervised, f.context);
    } catch (error) {
      expect((error as AppleTranslationError).key).toBe('declaration x: Payload.MinimumLength');
    }
  });

  it('translates a policy read from YAML', () => {
    const t = translatePolicy(
      f.parseYaml('schemaVersion: 1\nname: yaml\nsettings:\n  firewall:\n    enabled: true\n'),
      f.macOS12,
      f.context,
    );
    expect(t.profiles.map((p) => p.identifier)).toEqual(['com.example.keep.policy.yaml.profile.firewall']);
  });
});
