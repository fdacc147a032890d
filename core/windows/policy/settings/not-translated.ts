// Settings Keep has no Windows form for yet: Wi-Fi profiles (WiFi CSP) and apps (EnterpriseDesktopAppManagement).
import type { PolicySettings } from '../../../policy/index.js';
import { windowsReason, type WindowsTarget, type WindowsTranslation } from '../csp-node.js';

type Wifi = NonNullable<PolicySettings['wifi']>;
type Apps = NonNullable<PolicySettings['apps']>;

export function translateWifi(networks: Wifi, target: WindowsTarget): WindowsTranslation {
  return {
    nodes: [],
    notApplicable: networks.map((_, i) => ({
      setting: `wifi[${i}]`,
      reason: windowsReason(target, 'Keep does not send Wi-Fi profiles to Windows yet'),
    })),
  };
}

export function translateApps(apps: Apps, target: WindowsTarget): WindowsTranslation {
  return {
    nodes: [],
    notApplicable: apps.map((app, i) => ({
      setting: `apps[${i}]`,
      reason: windowsReason(
        target,
        app.appStoreId === undefined
          ? 'Keep does not install or remove Windows apps yet'
          : 'App Store apps are Apple’s',
      ),
    })),
  };
}
