// Creates or updates the `secret-rotation-sweep-<core task queue>` Temporal Schedule when the core worker starts.
// Hourly, not a setting: the sweep is a query per kind, and `vault.rotationDays` / `vault.localAdminRotationDays` /
// `vault.fileVaultRotationDays` decide what is due.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

export async function ensureSecretRotationSchedule(
  client: Client,
  options: { taskQueue: string },
): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: workflowIds.secretRotationSweep(options.taskQueue),
    spec: { intervals: [{ every: '1 hour' }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'secretRotationSweepWorkflow',
      workflowId: workflowIds.secretRotationSweep(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
