// The edge's one way to ask a device's workflow something synchronously: an Update that starts the workflow if the
// outbox relay has not started it yet, bounded in time (the device gets a 503 and retries rather than hanging).
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { HTTPException } from 'hono/http-exception';
import { withDeadline } from '../core/concurrency/deadline.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import type { DeviceWorkflowInput } from '../workflows/device.messages.js';

export interface DeviceWorkflowTarget {
  temporal: Client;
  /** Where device workflows run, and this edge's queue (the workflow's input), for starting one not yet running. */
  coreTaskQueue: string;
  edgeTaskQueue: string;
  timeoutMs?: number;
}

export async function updateDeviceWorkflow<Ret, Args extends unknown[]>(
  target: DeviceWorkflowTarget,
  deviceId: string,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
): Promise<Ret> {
  const input: DeviceWorkflowInput = { deviceId, edgeTaskQueue: target.edgeTaskQueue };
  const startWorkflowOperation = new WithStartWorkflowOperation('deviceWorkflow', {
    workflowId: workflowIds.device(deviceId),
    taskQueue: target.coreTaskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  try {
    return await withDeadline(
      target.temporal.workflow.executeUpdateWithStart(update, { args, startWorkflowOperation }),
      target.timeoutMs ?? 10_000,
    );
  } catch (cause) {
    throw new HTTPException(503, { message: 'the core is not reachable; try again later', cause });
  }
}
