// The edge's sealing public key, asked of the edge once per admin process (a short workflow on the core's task
// queue that calls the edge worker) and kept in memory; a failed ask is not cached.
import type { Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';
import { sealCommandPayload } from '../core/device/sealed-command-payload.js';
import { newOpaqueId, workflowIds } from '../core/temporal/task-queues.js';
import type { edgeSealingKeyWorkflow } from '../workflows/edge-sealing-key.workflow.js';
import type { AdminCommands, BuiltCommandRequest } from './platform.js';
import { withTemporalDeadline } from './temporal-deadline.js';

export interface EdgeTarget {
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  timeoutMs: number;
}

const known = new Map<string, Promise<BoxRecipient>>();

export function edgeSealingRecipient(target: EdgeTarget): Promise<BoxRecipient> {
  const cacheKey = `${target.coreTaskQueue}\n${target.edgeTaskQueue}`;
  let recipient = known.get(cacheKey);
  if (!recipient) {
    recipient = withTemporalDeadline(target.temporal, target.timeoutMs, () =>
      target.temporal.workflow.execute<typeof edgeSealingKeyWorkflow>('edgeSealingKeyWorkflow', {
        workflowId: workflowIds.edgeSealingKey(newOpaqueId()),
        taskQueue: target.coreTaskQueue,
        args: [{ edgeTaskQueue: target.edgeTaskQueue }],
      }),
    ).catch((cause: unknown) => {
      known.delete(cacheKey);
      throw new HTTPException(503, {
        message: 'the edge did not give its sealing key in time; the command was not queued; try again later',
        cause,
      });
    });
    known.set(cacheKey, recipient);
  }
  return recipient;
}

/**
 * The payload as it may enter Temporal: sealed to the edge when the platform says the command may carry a secret,
 * bound to `commandUuid` (a bulk template's placeholder UUID), as built otherwise.
 */
export async function payloadForEdge(
  target: EdgeTarget,
  commands: AdminCommands,
  built: BuiltCommandRequest,
  commandUuid: string,
): Promise<string> {
  if (!commands.carriesSecret(built.requestType, built.raw)) return built.payload;
  return sealCommandPayload(await edgeSealingRecipient(target), built.payload, commandUuid);
}
