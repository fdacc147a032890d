// The edge's side of the core's SCEP signer workflow: requests go in batches (sign-batcher.ts), polls ask
// for one transaction's recorded outcome. A batch the core refuses while it continues as new is sent again.
import { setTimeout as sleep } from 'node:timers/promises';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { SignOutcome } from '../../activities/pki/pki.activities.js';
import type { ScepSignItem } from '../../activities/pki/scep-batch.activities.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import {
  scepTransactionsUpdate,
  signScepBatchUpdate,
  type ScepTransactionState,
} from '../../workflows/scep-signer.workflow.js';
import { createSignBatcher, type BatcherOptions } from './sign-batcher.js';

export interface ScepSignerOptions {
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  batch: Omit<BatcherOptions, 'maxInFlight'>;
}

export interface ScepSigner {
  /** The core's outcome for this request; may take longer than a device waits (it then polls). */
  sign(item: ScepSignItem): Promise<SignOutcome>;
  /** What a GetCertInitial learns about a transaction. */
  state(key: string): Promise<ScepTransactionState>;
}

/**
 * Batches one edge process has out at once. The server admits 10 in-flight Updates per workflow by default,
 * so three edge replicas on one task queue fit; beyond that a refused batch waits and is sent again.
 */
const BATCHES_IN_FLIGHT = 3;
/** Tries of one batch: the signer refuses Updates for the moment it takes to continue as new. */
const ATTEMPTS = 8;

export function createScepSigner(options: ScepSignerOptions): ScepSigner {
  const { temporal } = options;
  // Keys this edge has sent and not heard back about: a poll for one of them is PENDING without asking.
  const signing = new Map<string, number>();

  function startOperation() {
    return new WithStartWorkflowOperation('scepSignerWorkflow', {
      workflowId: workflowIds.scepSigner(options.edgeTaskQueue),
      taskQueue: options.coreTaskQueue,
      args: [],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }

  async function sendBatch(items: ScepSignItem[]): Promise<SignOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await temporal.workflow.executeUpdateWithStart(signScepBatchUpdate, {
          args: [items],
          startWorkflowOperation: startOperation(),
        });
      } catch (error) {
        // Signing is idempotent per transaction key, so sending a batch again never signs twice.
        if (attempt >= ATTEMPTS) throw error;
        await sleep(Math.min(50 * 2 ** attempt, 2_000));
      }
    }
  }

  const batcher = createSignBatcher(sendBatch, { ...options.batch, maxInFlight: BATCHES_IN_FLIGHT });

  return {
    async sign(item) {
      signing.set(item.key, (signing.get(item.key) ?? 0) + 1);
      try {
        return await batcher.submit(item);
      } finally {
        const left = signing.get(item.key)! - 1;
        if (left) signing.set(item.key, left);
        else signing.delete(item.key);
      }
    },
    async state(key) {
      if (signing.has(key)) return { status: 'pending' };
      const [state] = await temporal.workflow.executeUpdateWithStart(scepTransactionsUpdate, {
        args: [[key]],
        startWorkflowOperation: startOperation(),
      });
      return state!;
    },
  };
}
