// The MsiInstallJob document an Exec of EnterpriseDesktopAppManagement's DownloadInstall carries: where Windows
// downloads the package, the SHA-256 it must match before msiexec runs, and how msiexec runs it.
// https://learn.microsoft.com/windows/client-management/mdm/enterprisedesktopappmanagement-csp#devicemsiproductiddownloadinstall
import type { ManagedApp } from '../policy/index.js';
import { xml } from './xml-template.js';

type Msi = NonNullable<ManagedApp['msi']>;

/** Quiet, as no user answers msiexec's dialogs; minutes, as the CSP counts them. */
const ENFORCEMENT = { commandLine: '/quiet', timeOutMinutes: 10, retryCount: 3, retryIntervalMinutes: 5 };

export function msiInstallJobXml(msi: Msi): string {
  const e = ENFORCEMENT;
  // The CSP compares FileHash with the file's SHA-256 in hex (case-insensitive); upper case as its examples give it.
  return xml`<MsiInstallJob id="${msi.productId}"><Product Version="${msi.version ?? '1.0.0.0'}"><Download><ContentURLList><ContentURL>${msi.url}</ContentURL></ContentURLList></Download><Validation><FileHash>${msi.sha256.toUpperCase()}</FileHash></Validation><Enforcement><CommandLine>${e.commandLine}</CommandLine><TimeOut>${e.timeOutMinutes}</TimeOut><RetryCount>${e.retryCount}</RetryCount><RetryInterval>${e.retryIntervalMinutes}</RetryInterval></Enforcement></Product></MsiInstallJob>`
    .text;
}
