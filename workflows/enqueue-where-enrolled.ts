// Queues Apple commands at whichever edge holds an enrollment: the edges are asked in turn, and one that does not
// know the enrollment is passed over. Shared by the processes that reach devices outside their device workflow
// (identity renewal, a root rollover's trust profile).
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { DeviceCommand } from '../core/device/device-command.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';

/** True once queued; false when no edge holds the enrollment (nothing was queued). */
export async function enqueueWhereEnrolled(
  enrollmentId: string,
  commands: DeviceCommand[],
  edges: readonly string[],
): Promise<boolean> {
  for (const taskQueue of edges) {
    try {
      await edgeAt(taskQueue).enqueueCommands({ platform: 'apple', enrollmentId, commands });
      return true;
    } catch (error) {
      // Another edge may hold the enrollment; anything else is a failure of the run.
      if (!(error instanceof ActivityFailure && unknownEnrollment(error.cause))) throw error;
    }
  }
  return false;
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
