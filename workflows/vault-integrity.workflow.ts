// The vault-integrity check (`vault-integrity-<core task queue>`, started by the schedule of that name): every
// stored secret is opened once; those that no longer decrypt are recorded on their row and named in the result.
import { log, proxyActivities } from '@temporalio/workflow';
import type { VaultIntegrityActivities } from '../activities/vault/vault-integrity.activities.js';

export async function vaultIntegrityWorkflow() {
  const vault = proxyActivities<VaultIntegrityActivities>({ startToCloseTimeout: '30 minutes' });
  const report = await vault.checkVaultIntegrity();
  // Row ids only: the report never holds a secret, so the history and the log may.
  if (report.failed.length > 0)
    log.warn('vault secrets that no longer decrypt', {
      secretIds: report.failed.map((f) => f.secretId),
    });
  return report;
}
