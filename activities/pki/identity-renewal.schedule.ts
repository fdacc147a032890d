// Creates or updates the `identity-renewal-<core task queue>` Temporal Schedule when the core worker starts.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

export async function ensureIdentityRenewalSchedule(
  client: Client,
  options: { taskQueue: string; intervalHours: number },
): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: workflowIds.identityRenewal(options.taskQueue),
    spec: { intervals: [{ every: `${options.intervalHours} hours` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'identityRenewalWorkflow',
      workflowId: workflowIds.identityRenewal(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
