// One per edge (`scep-signer-<edge task queue>`): the edge hands it the SCEP requests it gathered for a few
// milliseconds as one Update, signed by one activity; GetCertInitial asks it for recorded outcomes.
// The per-transaction certificateRequestWorkflow before it still finishes in-flight requests.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SignOutcome } from '../activities/pki/pki.activities.js';
import type { ScepBatchActivities, ScepSignItem } from '../activities/pki/scep-batch.activities.js';

/** What a poll learns about one transaction: its outcome, still signing, or never seen (nor recorded). */
export type ScepTransactionState = SignOutcome | { status: 'pending' } | { status: 'unknown' };

export const signScepBatchUpdate = defineUpdate<SignOutcome[], [ScepSignItem[]]>('signScepBatch');
export const scepTransactionsUpdate = defineUpdate<ScepTransactionState[], [string[]]>('scepTransactions');

/** Well under the server's limit on Updates per run (2,000 by default), so a run never hits it. */
const UPDATES_PER_RUN = 500;

export async function scepSignerWorkflow(): Promise<void> {
  // A batch is a regular activity, not a local one: signing it can take seconds on a busy core, and a local
  // activity that long holds the workflow task open, whose timeout would abort every Update in flight.
  const signer = proxyActivities<ScepBatchActivities>({
    startToCloseTimeout: '60 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  });
  // Reading outcomes and pruning are single statements: local activities, no task queue round trip.
  const records = proxyLocalActivities<ScepBatchActivities>({
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
  });
  const signing = new Map<string, number>();
  let accepted = 0;
  let draining = false;
  // While this run drains to continue as new, Updates are rejected unrecorded; the edge retries them on the next run.
  const refuseWhileDraining = () => {
    if (draining) throw ApplicationFailure.retryable('the SCEP signer is continuing as new', 'Draining');
  };

  setHandler(
    signScepBatchUpdate,
    async (items) => {
      accepted++; // counted in the handler, not the validator: validators do not run on replay
      for (const { key } of items) signing.set(key, (signing.get(key) ?? 0) + 1);
      try {
        return (await signer.signScepBatch({ items })).outcomes;
      } finally {
        for (const { key } of items) {
          const left = signing.get(key)! - 1;
          if (left) signing.set(key, left);
          else signing.delete(key);
        }
      }
    },
    { validator: (_items) => refuseWhileDraining() },
  );

  setHandler(
    scepTransactionsUpdate,
    async (keys) => {
      accepted++;
      // Taken before the read: a signing that ends during it was recorded before it ended.
      const wasSigning = keys.map((key) => signing.has(key));
      const { outcomes } = await records.findScepOutcomes({ keys });
      return keys.map(
        (key, i): ScepTransactionState =>
          outcomes[i] ?? { status: wasSigning[i] || signing.has(key) ? 'pending' : 'unknown' },
      );
    },
    { validator: (_keys) => refuseWhileDraining() },
  );

  await condition(() => accepted >= UPDATES_PER_RUN || workflowInfo().continueAsNewSuggested);
  draining = true;
  await condition(allHandlersFinished);
  await records.pruneScepOutcomes();
  await continueAsNew<typeof scepSignerWorkflow>();
}
