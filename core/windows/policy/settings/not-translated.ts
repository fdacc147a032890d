// Settings Keep has no Windows form for yet: apps (EnterpriseDesktopAppManagement).
import type { PolicySettings } from '../../../policy/index.js';
import { windowsReason, type WindowsTarget, type WindowsTranslation } from '../csp-node.js';

type Apps = NonNullable<PolicySettings['apps']>;

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
