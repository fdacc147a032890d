// One ABM sync run, started by the `dep-sync-<core task queue>` schedule (or an admin). Apple being down is
// retried for a while; a token that needs the admin fails at once, with the reason saved on the server entry.
import { proxyActivities } from '@temporalio/workflow';
import type { DepSyncActivities, DepSyncSummary } from '../activities/apple/dep/dep-sync.activities.js';

const { syncDepDevices } = proxyActivities<DepSyncActivities>({
  startToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['DepNeedsAdmin'],
  },
});

export async function depSyncWorkflow(): Promise<DepSyncSummary> {
  return syncDepDevices();
}
