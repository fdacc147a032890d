// Creates or updates the `push-certificate-expiry-<core task queue>` Temporal Schedule when the core worker starts.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { ensureSchedule } from '../ensure-schedule.js';

/** Daily: the warning steps are days apart, and each is recorded once whichever run sees it first. */
export async function ensurePushCertificateExpirySchedule(
  client: Client,
  options: { taskQueue: string },
): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: workflowIds.pushCertificateExpiry(options.taskQueue),
    spec: { intervals: [{ every: '24 hours' }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'pushCertificateExpiryWorkflow',
      workflowId: workflowIds.pushCertificateExpiry(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [],
    },
  });
}
