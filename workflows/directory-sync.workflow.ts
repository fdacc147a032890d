// One directory sync run, started by the `directory-sync` schedule. The activity retries through a directory
// outage for as long as it lasts: the cursor only advances with the data, so a late success loses nothing,
// and the schedule skips runs while this one is still waiting.
import { proxyActivities } from '@temporalio/workflow';
import type {
  DirectoryActivities,
  DirectorySyncRequest,
  DirectorySyncSummary,
} from '../activities/directory/directory-sync.activities.js';

const { syncDirectory } = proxyActivities<DirectoryActivities>({
  startToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['DirectoryConfigError'],
  },
});

export async function directorySyncWorkflow(
  request: DirectorySyncRequest = {},
): Promise<DirectorySyncSummary> {
  return syncDirectory(request);
}
