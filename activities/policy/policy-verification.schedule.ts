// Creates or updates the `policy-verification-<core task queue>` Temporal Schedule when the core worker starts.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

export async function ensurePolicyVerificationSchedule(
  client: Client,
  options: { taskQueue: string; intervalMinutes: number },
): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: workflowIds.policyVerification(options.taskQueue),
    spec: { intervals: [{ every: `${options.intervalMinutes} minutes` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'policyVerificationWorkflow',
      workflowId: workflowIds.policyVerification(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
