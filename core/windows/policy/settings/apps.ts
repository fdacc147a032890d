// Managed apps on Windows: an MSI by URL and SHA-256 through EnterpriseDesktopAppManagement, installed by an Exec
// of DownloadInstall and proven by the product's Status; removed (Delete of the product) when its policy goes.
// https://learn.microsoft.com/windows/client-management/mdm/enterprisedesktopappmanagement-csp
import type { PolicySettings } from '../../../policy/index.js';
import { msiInstallJobXml } from '../../msi-install-job.js';
import { node } from '../csp-field-map.js';
import { windowsReason, type WindowsTarget, type WindowsTranslation } from '../csp-node.js';

type Apps = NonNullable<PolicySettings['apps']>;

const MSI_ROOT = './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI';

/** The product code is a node name: its braces percent-encoded, as the CSP's own examples send them. */
export const msiProductNode = (productId: string) => `${MSI_ROOT}/${encodeURIComponent(productId)}`;

export function translateApps(apps: Apps, target: WindowsTarget): WindowsTranslation {
  const out: WindowsTranslation = { nodes: [], notApplicable: [] };
  apps.forEach((app, i) => {
    const setting = `apps[${i}]`;
    if (!app.msi) {
      const why =
        app.action === 'remove'
          ? 'Windows removes an MSI when the policy that installed it is withdrawn'
          : 'App Store apps and packages are Apple’s; Windows takes an msi entry';
      return void out.notApplicable.push({ setting, reason: windowsReason(target, why) });
    }
    const product = msiProductNode(app.msi.productId);
    out.nodes.push({
      ...node(setting, `${product}/DownloadInstall`, 'xml', msiInstallJobXml(app.msi), 'Exec'),
      progress: {
        subject: app.msi.productId,
        status: `${product}/Status`,
        lastError: `${product}/LastError`,
      },
    });
  });
  return out;
}
