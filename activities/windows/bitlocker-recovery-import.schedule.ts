// Creates or updates the `bitlocker-recovery-import-<core task queue>` Temporal Schedule when the core worker starts
// with a directory whose BitLocker import is on; it runs as often as the directory sync.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

export async function ensureBitLockerRecoveryImportSchedule(
  client: Client,
  options: { taskQueue: string; intervalMinutes: number },
): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: workflowIds.bitLockerRecoveryImport(options.taskQueue),
    spec: { intervals: [{ every: `${options.intervalMinutes} minutes` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'bitLockerRecoveryImportWorkflow',
      workflowId: workflowIds.bitLockerRecoveryImport(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
