// Creates or updates the `crl-refresh` Temporal Schedule when the core worker starts.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

export const CRL_REFRESH_SCHEDULE = workflowIds.crlRefresh();

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
    scheduleId: CRL_REFRESH_SCHEDULE,
    spec: { intervals: [{ every: `${options.intervalHours} hours` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'crlRefreshWorkflow',
      workflowId: workflowIds.crlRefresh(),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
