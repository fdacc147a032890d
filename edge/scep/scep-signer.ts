// The edge's side of the core's SCEP signer workflow: requests and polls go in batches (sign-batcher.ts).
// A batch the core refuses (while it continues as new, or at its limit of Updates in flight) is sent again.
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
 * Updates one edge process has out at once: three batches to sign and one of polls. The server admits 10
 * in-flight Updates per workflow by default, so two edge replicas on one task queue fit; beyond that a
 * refused batch waits and is sent again.
 */
const SIGN_BATCHES_IN_FLIGHT = 3;
const POLL_BATCHES_IN_FLIGHT = 1;
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

  /** Signing and reading outcomes are idempotent per transaction key, so sending a batch again is harmless. */
  async function withRetries<T>(update: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await update();
      } catch (error) {
        if (attempt >= ATTEMPTS) throw error;
        await sleep(Math.min(50 * 2 ** attempt, 2_000));
      }
    }
  }

  const signBatcher = createSignBatcher(
    (items: ScepSignItem[]) =>
      withRetries(() =>
        temporal.workflow.executeUpdateWithStart(signScepBatchUpdate, {
          args: [items],
          startWorkflowOperation: startOperation(),
        }),
      ),
    { ...options.batch, maxInFlight: SIGN_BATCHES_IN_FLIGHT },
  );
  const pollBatcher = createSignBatcher(
    (keys: string[]) =>
      withRetries(() =>
        temporal.workflow.executeUpdateWithStart(scepTransactionsUpdate, {
          args: [keys],
          startWorkflowOperation: startOperation(),
        }),
      ),
    { ...options.batch, maxInFlight: POLL_BATCHES_IN_FLIGHT },
  );

  return {
    async sign(item) {
      signing.set(item.key, (signing.get(item.key) ?? 0) + 1);
      try {
        return await signBatcher.submit(item);
      } finally {
        const left = signing.get(item.key)! - 1;
        if (left) signing.set(item.key, left);
        else signing.delete(item.key);
      }
    },
    async state(key) {
      return signing.has(key) ? { status: 'pending' } : pollBatcher.submit(key);
    },
  };
}
