// The rotation sweep (`secret-rotation-sweep-<core task queue>`, started hourly by the schedule of that name):
// starts a secretRotationWorkflow for every device whose Recovery Lock password is missing or due, or whose managed
// admin's password or FileVault recovery key is due; each rotation goes through the device's own edge.
import { proxyActivities } from '@temporalio/workflow';
import type { SecretRotationActivities } from '../activities/vault/secret-rotation.activities.js';

const vault = proxyActivities<SecretRotationActivities>({ startToCloseTimeout: '10 minutes' });

export async function secretRotationSweepWorkflow() {
  return vault.startDueSecretRotations();
}
