// Managed apps: App Store apps by adam id, macOS packages by URL and hash, and removals, as MDM commands (an
// MSI is Windows').
// DDM's app configuration is still marked beta in Apple's schema and exists on iOS only, so commands serve both.
import type { ManagedApp } from '../../../policy/index.js';
import type { PlistDict } from '../../plist-codec.js';
import { supportReason } from '../apple-support.js';
import type { PolicyCommand, PolicyRequestType } from '../apple-target.js';
import { commandSchema, policyCommand } from '../policy-commands.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

export function translateApps(apps: ManagedApp[], env: SettingEnv): SettingOutput {
  const commands: PolicyCommand[] = [];
  const notApplicable: SettingOutput['notApplicable'] = [];
  apps.forEach((app, i) => {
    const setting = `apps[${i}]`;
    if (app.msi) {
      const { platform, osVersion } = env.target;
      const reason = `not applicable on ${platform} ${osVersion}: an MSI package installs on Windows only`;
      return void notApplicable.push({ setting, reason });
    }
    const requestType: PolicyRequestType =
      app.action === 'remove'
        ? 'RemoveApplication'
        : app.package
          ? 'InstallEnterpriseApplication'
          : 'InstallApplication';
    const reason = supportReason(env.target, commandSchema(requestType));
    if (reason) return void notApplicable.push({ setting, reason });
    commands.push(policyCommand(requestType, setting, commandBody(app)));
  });
  return { commands, notApplicable };
}

function commandBody(app: ManagedApp): PlistDict {
  if (app.action === 'remove') return { Identifier: app.bundleId };
  if (app.package) {
    const { url, sha256, size, version } = app.package;
    return {
      // https://developer.apple.com/documentation/devicemanagement/manifesturl (one hash over the whole file)
      Manifest: {
        items: [
          {
            assets: [{ kind: 'software-package', url, 'sha256-size': size, sha256s: [sha256] }],
            metadata: {
              kind: 'software',
              'bundle-identifier': app.bundleId,
              title: app.bundleId,
              ...(version && { 'bundle-version': version }),
            },
          },
        ],
      },
    };
  }
  // PurchaseMethod 1: licences assigned through Apple Business Manager (Apps and Books).
  return { iTunesStoreID: Number(app.appStoreId), Options: { PurchaseMethod: 1 } };
}
