// Creates or updates the `crl-refresh-<core task queue>` Temporal Schedule when the core worker starts.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

/** The schedule of the core on this task queue (one per core, like its workflows). */
export const crlRefreshScheduleId = (coreTaskQueue: string) => workflowIds.crlRefresh(coreTaskQueue);

export interface CrlRefreshScheduleOptions {
  taskQueue: string;
  intervalHours: number;
}

/** Each run publishes a fresh CRL well before the last one's nextUpdate (crlRefreshHours < crlValidityHours). */
export async function ensureCrlRefreshSchedule(
  client: Client,
  options: CrlRefreshScheduleOptions,
): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: crlRefreshScheduleId(options.taskQueue),
    spec: { intervals: [{ every: `${options.intervalHours} hours` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'crlRefreshWorkflow',
      workflowId: workflowIds.crlRefresh(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
