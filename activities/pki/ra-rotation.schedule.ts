// Creates or updates the `ra-rotation-<core task queue>` Temporal Schedule when the core worker starts.
import type { Client } from '@temporalio/client';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { RaRotationInput } from '../../workflows/ra-rotation.workflow.js';
import { ensureSchedule } from '../ensure-schedule.js';

/** Daily: the renewal window is days long, and a run on an edge whose certificate is not due does nothing. */
export async function ensureRaRotationSchedule(
  client: Client,
  options: { taskQueue: string } & RaRotationInput,
): Promise<void> {
  await ensureSchedule(client, {
    scheduleId: workflowIds.raRotation(options.taskQueue),
    spec: { intervals: [{ every: '24 hours' }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'raRotationWorkflow',
      workflowId: workflowIds.raRotation(options.taskQueue),
      taskQueue: options.taskQueue,
      args: [{ renewWithinDays: options.renewWithinDays }],
    },
  });
}
