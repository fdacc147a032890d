// Translates a platform-neutral policy into the CSP nodes a Windows PC takes, and a reason for every setting
// it cannot enforce. Pure: the device-policy activities send the nodes and prove them with Get.
import type { Policy, PolicySettingName, PolicySettings } from '../../policy/index.js';
import type { WindowsSettingTranslator, WindowsTarget, WindowsTranslation } from './csp-node.js';
import { translateApps } from './settings/apps.js';
import { translateCertificates } from './settings/certificates.js';
import { translatePasscode, translateScreenLock } from './settings/device-lock.js';
import { translateDiskEncryption } from './settings/disk-encryption.js';
import { translateFirewall } from './settings/firewall.js';
import { translateOsUpdates } from './settings/os-update.js';
import { translateRaw } from './settings/raw.js';
import { translateRestrictions } from './settings/restrictions.js';
import { translateWifi } from './settings/wifi.js';

/** One translator per setting; a new setting fails to compile until it has one. Order fixes output order. */
const TRANSLATORS: {
  [K in PolicySettingName]-?: WindowsSettingTranslator<NonNullable<PolicySettings[K]>>;
} = {
  diskEncryption: translateDiskEncryption,
  screenLock: translateScreenLock,
  passcode: translatePasscode,
  firewall: translateFirewall,
  osUpdates: translateOsUpdates,
  restrictions: translateRestrictions,
  wifi: translateWifi,
  certificates: translateCertificates,
  apps: translateApps,
  raw: translateRaw,
};

export function translateWindowsPolicy(policy: Policy, target: WindowsTarget): WindowsTranslation {
  const result: WindowsTranslation = { nodes: [], notApplicable: [] };
  for (const name of Object.keys(TRANSLATORS) as PolicySettingName[]) {
    const value = policy.settings[name];
    if (value === undefined) continue;
    const out = (TRANSLATORS[name] as WindowsSettingTranslator<typeof value>)(value, target);
    result.nodes.push(...out.nodes);
    result.notApplicable.push(...out.notApplicable);
  }
  return result;
}
