import { describe, expect, it } from 'vitest';
import {
  appCompliance,
  reportedApps,
  translatePolicy,
  verifyApps,
  type AppleTarget,
  type PolicyCommandState,
} from '../../../../core/apple/policy/index.js';
import type { ManagedApp } from '../../../../core/policy/index.js';

const mac: AppleTarget = { platform: 'macOS', osVersion: '15.1', supervised: true, enrollment: 'device' };
const at = new Date('2026-11-30T11:00:00Z');
const apps: ManagedApp[] = [
  { bundleId: 'com.example.app', action: 'install', appStoreId: '123456' },
  { bundleId: 'com.example.old', action: 'remove' },
];
const translation = translatePolicy({ schemaVersion: 1, name: 'apps', settings: { apps } }, mac, {
  identifierPrefix: 'keep',
  organization: 'Example',
  profileBaseUrl: 'https://mdm.example.com/mdm/profiles/',
  declarativeManagement: false,
});
const list = (...ids: string[]) =>
  reportedApps(
    ids.map((Identifier) => ({ Identifier })),
    at,
  );
const sent = (outcome?: PolicyCommandState['outcome'], error?: string): PolicyCommandState => ({
  requestType: 'InstallApplication',
  status: 'sent',
  outcome,
  error,
});

describe('app compliance', () => {
  it('proves an install by the app in the list and a removal by its absence, at the time of the list', () => {
    expect(appCompliance(apps, translation, new Map(), list('com.example.app'))).toEqual([
      { setting: 'apps[0]', status: 'compliant', provenAt: at },
      { setting: 'apps[1]', status: 'compliant', provenAt: at },
    ]);
  });

  it("fails an app the device answered Error for, with the device's reason", () => {
    const [install] = appCompliance(
      apps,
      translation,
      new Map([['apps[0]', sent('error', 'The app 123456 could not be found.')]]),
      list(),
    );
    expect(install).toEqual({
      setting: 'apps[0]',
      status: 'failing',
      reason:
        'the device answered InstallApplication for com.example.app with an error: The app 123456 could not be found.',
    });
  });

  it('leaves an app unknown until a list shows it, and without any list at all', () => {
    const statuses = (installed: ReturnType<typeof list>) =>
      appCompliance(apps, translation, new Map([['apps[0]', sent('acknowledged')]]), installed).map((s) => [
        s.status,
        s.reason,
      ]);
    expect(statuses(list())[0]).toEqual(['unknown', 'waiting for com.example.app to be installed']);
    expect(statuses(list('com.example.old'))[1]).toEqual([
      'unknown',
      'waiting for com.example.old to be removed',
    ]);
    expect(statuses(undefined)[0]).toEqual(['unknown', "waiting for the device's InstalledApplicationList"]);
  });

  it('does not count an app that is still installing', () => {
    const installing = reportedApps([{ Identifier: 'com.example.app', Installing: true }], at);
    expect(installing?.identifiers.has('com.example.app')).toBe(false);
  });

  it('reports an app entry the device cannot take as not applicable, beside the others', () => {
    const iphone: AppleTarget = { ...mac, platform: 'iOS', osVersion: '17.5' };
    const withPackage: ManagedApp[] = [
      ...apps,
      {
        bundleId: 'com.example.tool',
        action: 'install',
        package: { url: 'https://cdn.example.com/t.pkg', sha256: 'a'.repeat(64), size: 1 },
      },
      {
        bundleId: 'org.example.agent',
        action: 'install',
        msi: {
          productId: '{0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0}',
          url: 'https://cdn.example.com/agent.msi',
          sha256: 'b'.repeat(64),
        },
      },
    ];
    const t = translatePolicy({ schemaVersion: 1, name: 'apps', settings: { apps: withPackage } }, iphone, {
      identifierPrefix: 'keep',
      organization: 'Example',
      profileBaseUrl: 'https://mdm.example.com/mdm/profiles/',
      declarativeManagement: false,
    });
    expect(t.notApplicable.map((n) => n.setting)).toEqual(['apps[2]', 'apps[3]']);
    expect(t.notApplicable[1]?.reason).toBe(
      'not applicable on iOS 17.5: an MSI package installs on Windows only',
    );
    expect(appCompliance(withPackage, t, new Map(), list('com.example.app')).map((s) => s.setting)).toEqual([
      'apps[0]',
      'apps[1]',
    ]);
  });
});

describe('app verification', () => {
  it('marks a listed app installed, and one listed before and gone now as drift to re-install', () => {
    const recorded = [
      { setting: 'apps[0]', status: 'sent' as const, bundleId: 'com.example.app' },
      { setting: 'apps[2]', status: 'installed' as const, bundleId: 'com.example.tool' },
    ];
    expect(verifyApps(recorded, list('com.example.app')!)).toEqual({
      statuses: [
        { setting: 'apps[0]', status: 'installed' },
        { setting: 'apps[2]', status: 'missing' },
      ],
      drift: true,
    });
    expect(verifyApps(recorded.slice(0, 1), list()!).drift).toBe(false);
  });
});
