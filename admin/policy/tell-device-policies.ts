// Tells one device's workflow that what selects it may have changed (e.g. it moved team), so it reconciles its
// policies; a device without a running workflow computes them when it enrols.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { POLICIES_CHANGED_SIGNAL } from '../../core/policy/policies-changed-signal.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { TemporalDeadlineError, withTemporalDeadline } from '../temporal-deadline.js';

export async function tellDevicePolicies(
  deps: { temporal: Client; temporalTimeoutMs?: number | undefined },
  deviceId: string,
): Promise<void> {
  try {
    await withTemporalDeadline(deps.temporal, deps.temporalTimeoutMs ?? 5_000, () =>
      deps.temporal.workflow.getHandle(workflowIds.device(deviceId)).signal(POLICIES_CHANGED_SIGNAL),
    );
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return;
    if (!(error instanceof TemporalDeadlineError)) throw error;
    throw new HTTPException(503, {
      message:
        'the change is stored but Temporal did not tell the device in time; send the same request again',
      cause: error,
    });
  }
}
