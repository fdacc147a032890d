// Starts the workflow that recomputes a policy's devices and tells each one, bounded in time like every
// Temporal call; a Temporal that does not answer in time becomes a 503 saying what to do.
import type { Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { newOpaqueId, workflowIds } from '../../core/temporal/task-queues.js';
import { TemporalDeadlineError, withTemporalDeadline } from '../temporal-deadline.js';

export async function startPolicyFanOut(
  deps: { temporal: Client; coreTaskQueue: string; timeoutMs: number },
  policyId: string,
  options: { everyDevice?: boolean } = {},
): Promise<string> {
  const workflowId = workflowIds.policyFanOut(newOpaqueId());
  try {
    await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
      deps.temporal.workflow.start('policyFanOutWorkflow', {
        workflowId,
        taskQueue: deps.coreTaskQueue,
        args: [{ policyId, everyDevice: options.everyDevice ?? false }],
      }),
    );
  } catch (error) {
    if (!(error instanceof TemporalDeadlineError)) throw error;
    throw new HTTPException(503, {
      message:
        'the change is stored but Temporal did not start telling the devices in time; send the same request again',
      cause: error,
    });
  }
  return workflowId;
}
