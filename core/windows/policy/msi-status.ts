// What EnterpriseDesktopAppManagement's `MSI/{ProductID}/Status` node reports while Windows downloads and runs an
// MSI: done, still working (pending, never a refusal), or failed (its `LastError` says why).
// https://learn.microsoft.com/windows/client-management/mdm/enterprisedesktopappmanagement-csp#devicemsiproductidstatus
export type MsiProgress = 'done' | 'pending' | 'failed';

/** The CSP's values, each with what it means for the install and how an admin reads it. */
const MSI_STATUS: Record<string, { progress: MsiProgress; meaning: string }> = {
  '10': { progress: 'pending', meaning: 'initialized' },
  '20': { progress: 'pending', meaning: 'download in progress' },
  '25': { progress: 'pending', meaning: 'download to be retried' },
  '30': { progress: 'failed', meaning: 'download failed' },
  '40': { progress: 'pending', meaning: 'downloaded' },
  '48': { progress: 'pending', meaning: 'waiting for a user session' },
  '50': { progress: 'pending', meaning: 'installing' },
  '55': { progress: 'pending', meaning: 'install to be retried' },
  '60': { progress: 'failed', meaning: 'install failed' },
  '70': { progress: 'done', meaning: 'installed' },
};

/** An absent node (no install under way) or a value the CSP does not document reads as not installed. */
export function msiStatus(value: string | undefined): { progress: MsiProgress | 'absent'; meaning: string } {
  if (value === undefined) return { progress: 'absent', meaning: 'not installed' };
  return MSI_STATUS[value] ?? { progress: 'failed', meaning: `status ${value}` };
}
