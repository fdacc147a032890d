// The core's sealing public key, asked of the core once per edge process (a short workflow) and kept in memory.
import type { Client } from '@temporalio/client';
import { withDeadline } from '../core/concurrency/deadline.js';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';
import { newOpaqueId, workflowIds } from '../core/temporal/task-queues.js';
import { HTTPException } from 'hono/http-exception';
import type { coreSealingKeyWorkflow } from '../workflows/core-sealing-key.workflow.js';

const known = new Map<string, Promise<BoxRecipient>>();

/** Where the core runs: its task queue on this Temporal client. */
export interface CoreTarget {
  temporal: Client;
  coreTaskQueue: string;
  timeoutMs?: number | undefined;
}

export function coreSealingRecipient(target: CoreTarget): Promise<BoxRecipient> {
  let recipient = known.get(target.coreTaskQueue);
  if (!recipient) {
    recipient = withDeadline(
      target.temporal.workflow.execute<typeof coreSealingKeyWorkflow>('coreSealingKeyWorkflow', {
        workflowId: workflowIds.coreSealingKey(newOpaqueId()),
        taskQueue: target.coreTaskQueue,
        args: [],
      }),
      target.timeoutMs ?? 10_000,
    ).catch((cause: unknown) => {
      // Not cached: the next request asks again.
      known.delete(target.coreTaskQueue);
      throw new HTTPException(503, { message: 'the core is not reachable; try again later', cause });
    });
    known.set(target.coreTaskQueue, recipient);
  }
  return recipient;
}
