// One long-running workflow per edge (`device-events-<edge queue>`): the door through which that edge's
// device events enter the core, a whole outbox drain per Update. The Update writes the batch in bulk (an
// activity, idempotent) and keeps the wakes it owes in state; the main loop hands them to device workflows in
// pages, in order. The core DB keeps each owed wake with its event too, so a run that ends before handing them
// over (terminated, reset) owes them still: every run starts by reading them back.
//
// The ingest was a local activity: it ran inside the workflow task, so a core DB or Temporal outage held that
// task open across the outage, each try of it ran the batch again, and the task's timeouts added up until
// Temporal refused every Update "due to Workflow Task in failed state". As a regular activity it leaves the
// workflow task short whatever the DB does; its retries are the server's.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeviceEventIngestActivities } from '../activities/device/device-event-ingest.activities.js';
import type { DeviceWake } from '../core/device/device-event-batch.js';
import { ingestDeviceEventsUpdate, type DeviceEventsWorkflowInput } from './device-events.messages.js';

const MAX_HISTORY_EVENTS = 5_000;
/** patched() ids: the ingest as a regular activity, and the owed wakes read back at the start of a run. */
const INGEST_ACTIVITY = 'device-events-ingest-activity';
const RECOVER_WAKES = 'device-events-recover-wakes';
/** Wakes per activity: bounded so one activity's input stays small and its retry repeats little. */
const WAKE_PAGE = 200;

export async function deviceEventsWorkflow(input: DeviceEventsWorkflowInput): Promise<void> {
  const { edgeTaskQueue } = input;
  const maxHistory = input.maxHistoryEvents ?? MAX_HISTORY_EVENTS;
  const wakes: DeviceWake[] = input.state?.wakes ?? [];
  // Runs that started before the ingest became an activity replay it as the local activity they recorded.
  const ingestLocally = proxyLocalActivities<DeviceEventIngestActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 },
  });
  const ingest = proxyActivities<DeviceEventIngestActivities>({
    startToCloseTimeout: '30 seconds',
    // A core DB that stays down fails the Update (the edge keeps the events and relays them again), within the
    // relay's own patience, so a long outage does not pile up attempts of batches it has sent again.
    scheduleToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
  });
  const wake = proxyActivities<DeviceEventIngestActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  /** Queues wakes not queued yet: a batch relayed again, or recovered, before its wakes went out owes them once. */
  const owe = (owed: readonly DeviceWake[]) => {
    const queued = new Set(wakes.map((w) => w.outboxId));
    wakes.push(...owed.filter((w) => !queued.has(w.outboxId)));
  };

  setHandler(
    ingestDeviceEventsUpdate,
    async (events) => {
      const owed = await (patched(INGEST_ACTIVITY) ? ingest : ingestLocally).ingestDeviceEvents({
        edgeTaskQueue,
        events,
      });
      owe(owed.wakes);
      return { wakes: owed.wakes.length };
    },
    {
      validator: (events) => {
        if (!Array.isArray(events) || events.length === 0)
          throw new Error('a batch holds at least one event');
      },
    },
  );

  if (patched(RECOVER_WAKES)) {
    let after: string | undefined;
    for (;;) {
      const page = await wake.pendingDeviceWakes({
        edgeTaskQueue,
        limit: WAKE_PAGE,
        ...(after ? { after } : {}),
      });
      owe(page);
      if (page.length < WAKE_PAGE) break;
      after = page[page.length - 1]!.outboxId;
    }
    // Batches that arrived meanwhile were appended before older recovered wakes: a device's events go in order.
    wakes.sort((a, b) => (BigInt(a.outboxId) < BigInt(b.outboxId) ? -1 : 1));
  }

  const tooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxHistory;
  for (;;) {
    await condition(() => wakes.length > 0 || tooLong());
    while (wakes.length > 0) {
      const page = wakes.slice(0, WAKE_PAGE);
      await wake.wakeDeviceWorkflows({ edgeTaskQueue, wakes: page });
      wakes.splice(0, page.length);
    }
    if (tooLong()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof deviceEventsWorkflow>({ ...input, state: { wakes } });
    }
  }
}
