// Creates or updates the `dep-sync-<core task queue>` Temporal Schedule when the core worker starts.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../../core/temporal/task-queues.js';
import { ensureSchedule } from '../../ensure-schedule.js';

export interface DepSyncScheduleOptions {
  taskQueue: string;
  intervalMinutes: number;
}

/** A run with no imported token does nothing, so the schedule exists from the first start. */
export async function ensureDepSyncSchedule(client: Client, options: DepSyncScheduleOptions): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: workflowIds.depSync(options.taskQueue),
    spec: { intervals: [{ every: `${options.intervalMinutes} minutes` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'depSyncWorkflow',
      workflowId: workflowIds.depSync(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
