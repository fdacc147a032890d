// One BitLocker recovery-password import (`bitlocker-recovery-import-<core task queue>`, started by the schedule of
// that name). Like the directory sync, the activity retries through a directory outage; the schedule skips runs
// while this one waits. The result holds counts only: no password or computer name enters the history.
import { proxyActivities } from '@temporalio/workflow';
import type { BitLockerRecoveryImportActivities } from '../activities/windows/bitlocker-recovery-import.activities.js';

const { importBitLockerRecovery } = proxyActivities<BitLockerRecoveryImportActivities>({
  startToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['DirectoryConfigError'],
  },
});

export async function bitLockerRecoveryImportWorkflow() {
  return importBitLockerRecovery();
}
