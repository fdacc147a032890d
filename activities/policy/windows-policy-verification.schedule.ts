// Creates or updates the `windows-policy-verification-<core task queue>` Temporal Schedule when the core worker
// starts; it runs as often as the Apple policy verification (`core.policyProofMinutes`).
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

export async function ensureWindowsPolicyVerificationSchedule(
  client: Client,
  options: { taskQueue: string; intervalMinutes: number },
): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: workflowIds.windowsPolicyVerification(options.taskQueue),
    spec: { intervals: [{ every: `${options.intervalMinutes} minutes` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'windowsPolicyVerificationWorkflow',
      workflowId: workflowIds.windowsPolicyVerification(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
