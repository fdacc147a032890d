// Hands a built command to the device workflow (Temporal Update), bounded in time, with typed outcomes.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import { recordAdminCommandRequest } from './admin-command-request.repository.js';
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { workflowIds } from '../core/temporal/task-queues.js';
import { TemporalDeadlineError, withTemporalDeadline } from './temporal-deadline.js';
import {
  queueCommandUpdate,
  type QueueCommandRequest,
  type QueueCommandResult,
} from '../workflows/device.messages.js';

export async function queueCommandOnDevice(
  deps: { db: Kysely<CoreDatabase>; temporal: Client },
  deviceId: string,
  request: QueueCommandRequest,
  timeoutMs: number,
): Promise<QueueCommandResult> {
  const { temporal } = deps;
  // The proof the device workflow checks: only the core role can write it, so the edge cannot queue commands.
  await recordAdminCommandRequest(deps.db, { deviceId, ...request });
  const handle = temporal.workflow.getHandle(workflowIds.device(deviceId));
  try {
    // The command UUID is the update id, so Temporal's own retries of this call queue it once.
    return await withTemporalDeadline(temporal, timeoutMs, () =>
      handle.executeUpdate(queueCommandUpdate, { args: [request], updateId: request.commandUuid }),
    );
  } catch (error) {
    throw httpErrorFor(error, request.commandUuid, timeoutMs);
  }
}

function httpErrorFor(error: unknown, commandUuid: string, timeoutMs: number): unknown {
  if (error instanceof WorkflowNotFoundError) {
    return new HTTPException(409, {
      message: 'id: the device has no running device workflow (not enrolled yet, or unenrolled)',
      cause: error,
    });
  }
  if (error instanceof WorkflowUpdateFailedError) {
    return new HTTPException(409, {
      message: `the device workflow refused the command: ${error.cause?.message ?? 'no reason given'}`,
      cause: error,
    });
  }
  if (
    error instanceof TemporalDeadlineError ||
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    error instanceof ServiceError
  ) {
    return new HTTPException(503, {
      message:
        `Temporal did not confirm the command within ${timeoutMs / 1000} s; command ${commandUuid} may or may not ` +
        'be queued; check GET /v1/devices/{id}/commands/{uuid} before sending it again',
      cause: error,
    });
  }
  return error;
}
