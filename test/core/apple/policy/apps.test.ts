import { describe, expect, it } from 'vitest';
import * as f from './policy-fixtures.js';

const appStore = { bundleId: 'com.example.app', action: 'install', appStoreId: '123456' };
const pkg = {
  bundleId: 'com.example.pkg',
  action: 'install',
  package: { url: 'https://cdn.example.com/a.pkg', sha256: 'a'.repeat(64), size: 1000, version: '2.1' },
};
const removal = { bundleId: 'com.example.old', action: 'remove' };

describe('managed apps on Apple devices', () => {
  it.each([
    ['iOS', f.iOS18User],
    ['macOS', f.macOS12],
  ])('installs an App Store app by adam id and removes an app on %s', (_, target) => {
    const t = f.translate({ apps: [appStore, removal] }, target);
    expect(t.commands.map((c) => c.command)).toEqual([
      { RequestType: 'InstallApplication', iTunesStoreID: 123456, Options: { PurchaseMethod: 1 } },
      { RequestType: 'RemoveApplication', Identifier: 'com.example.old' },
    ]);
  });

  it('installs a package by URL and hash on macOS', () => {
    const t = f.translate({ apps: [pkg] }, f.macOS15Supervised);
    expect(t.commands[0]?.command).toEqual({
      RequestType: 'InstallEnterpriseApplication',
      Manifest: {
        items: [
          {
            assets: [
              {
                kind: 'software-package',
                url: pkg.package.url,
                'sha256-size': 1000,
                sha256s: [pkg.package.sha256],
              },
            ],
            metadata: {
              kind: 'software',
              'bundle-identifier': 'com.example.pkg',
              'bundle-version': '2.1',
              title: 'com.example.pkg',
            },
          },
        ],
      },
    });
  });

  it('reports a package as not applicable on iOS', () => {
    const t = f.translate({ apps: [appStore, pkg] }, f.iOS18Supervised);
    expect(t.commands.map((c) => c.requestType)).toEqual(['InstallApplication']);
    expect(t.notApplicable).toEqual([
      { setting: 'apps[1]', reason: 'not applicable on iOS 18.1: iOS has no such setting' },
    ]);
  });

  it('reports a removal as not applicable on a Mac before macOS 11', () => {
    const t = f.translate({ apps: [removal] }, { ...f.macOS12, osVersion: '10.15.7' });
    expect(t.notApplicable).toEqual([
      { setting: 'apps[0]', reason: 'not applicable on macOS 10.15.7: needs 11.0 or later' },
    ]);
  });
});
