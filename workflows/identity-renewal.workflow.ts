// Renews expiring device identities (`identity-renewal-<core task queue>`, started by the schedule of that name):
// each due device gets an InstallProfile of its enrollment profile with a renewal challenge; it enrols the new
// identity over SCEP, and the edge rebinds the enrollment when the device first signs with it, which revokes
// the old one. A run asks at most `maxPerRun` devices (the activity bounds it); progress is a query.
import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { IdentityRenewalActivities } from '../activities/pki/identity-renewal.activities.js';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';

export interface IdentityRenewalProgress {
  due: number;
  asked: number;
  /** Due devices whose enrollment no edge holds (nothing was queued for them). */
  notAtEdge: number;
}

export const identityRenewalProgressQuery = defineQuery<IdentityRenewalProgress>('identityRenewalProgress');

export async function identityRenewalWorkflow(): Promise<IdentityRenewalProgress> {
  const core = proxyActivities<IdentityRenewalActivities & Pick<PkiActivities, 'edgeTaskQueues'>>({
    startToCloseTimeout: '1 minute',
  });
  const edgeAt = (taskQueue: string) =>
    proxyActivities<DeviceCommandActivities>({
      taskQueue,
      startToCloseTimeout: '1 minute',
      retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 },
    });
  const progress: IdentityRenewalProgress = { due: 0, asked: 0, notAtEdge: 0 };
  setHandler(identityRenewalProgressQuery, () => progress);

  const edges = await core.edgeTaskQueues();
  const targets = await core.findIdentitiesToRenew();
  progress.due = targets.length;
  for (const target of targets) {
    const command = await core.buildIdentityRenewalCommand({ enrollmentId: target.enrollmentId });
    let queued = false;
    for (const taskQueue of edges) {
      try {
        await edgeAt(taskQueue).enqueueCommands({
          platform: 'apple',
          enrollmentId: target.enrollmentId,
          commands: [command],
        });
        queued = true;
        break;
      } catch (error) {
        // Another edge may hold the enrollment; anything else is a failure of the run.
        if (!(error instanceof ActivityFailure && unknownEnrollment(error.cause))) throw error;
      }
    }
    if (!queued) {
      progress.notAtEdge++;
      continue;
    }
    await core.recordIdentityRenewalAsked({
      target,
      commandUuid: command.commandUuid,
      runId: workflowInfo().runId,
    });
    progress.asked++;
  }
  return progress;
}

function unknownEnrollment(cause: unknown): boolean {
  return cause instanceof ApplicationFailure && cause.type === 'UnknownEnrollment';
}
