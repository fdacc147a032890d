// Asks one device to renew its identity: the InstallProfile that renews it, queued at whichever edge holds the
// enrollment, and the ask recorded. Shared by the scheduled identity renewal and the CA rollover.
import { ActivityFailure, ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type {
  IdentityRenewalActivities,
  RenewalTarget,
} from '../activities/pki/identity-renewal.activities.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';

/** `asked`, or `not-at-edge` when no edge holds the enrollment (nothing was queued). */
export async function askToRenew(
  target: RenewalTarget,
  edges: readonly string[],
): Promise<'asked' | 'not-at-edge'> {
  const core = proxyActivities<IdentityRenewalActivities>({ startToCloseTimeout: '1 minute' });
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
  if (!queued) return 'not-at-edge';
  await core.recordIdentityRenewalAsked({
    target,
    commandUuid: command.commandUuid,
    runId: workflowInfo().runId,
  });
  return 'asked';
}

const edgeAt = (taskQueue: string) =>
  proxyActivities<DeviceCommandActivities>({
    taskQueue,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 },
  });

function unknownEnrollment(cause: unknown): boolean {
  return cause instanceof ApplicationFailure && cause.type === 'UnknownEnrollment';
}
