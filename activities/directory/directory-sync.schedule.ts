// Creates or updates the `directory-sync` Temporal Schedule when the core worker starts with a directory.
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';

export const DIRECTORY_SYNC_SCHEDULE = workflowIds.directorySync();

export interface DirectorySyncScheduleOptions {
  taskQueue: string;
  intervalMinutes: number;
}

/** The workflow id is fixed and opaque: no directory name, user or e-mail reaches Temporal in clear. */
export async function ensureDirectorySyncSchedule(
  client: Client,
  options: DirectorySyncScheduleOptions,
): Promise<void> {
  const spec: ScheduleSpec = { intervals: [{ every: `${options.intervalMinutes} minutes` }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: 'directorySyncWorkflow',
    workflowId: workflowIds.directorySync(),
    taskQueue: options.taskQueue,
    args: [{}],
  };
  try {
    await client.schedule.create({
      scheduleId: DIRECTORY_SYNC_SCHEDULE,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(DIRECTORY_SYNC_SCHEDULE).update((previous) => ({
      ...previous,
      spec,
      action,
      policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP },
    }));
  }
}
