// Creates or updates the `directory-sync` Temporal Schedule when the core worker starts with a directory.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

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
  await ensureSchedule(client, {
    scheduleId: DIRECTORY_SYNC_SCHEDULE,
    spec: { intervals: [{ every: `${options.intervalMinutes} minutes` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'directorySyncWorkflow',
      workflowId: workflowIds.directorySync(),
      taskQueue: options.taskQueue,
      args: [{}],
    },
  });
}
