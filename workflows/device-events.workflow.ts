// One long-running workflow per edge (`device-events-<edge queue>`): the door through which that edge's
// device events enter the core, a whole outbox drain per Update. The Update writes the batch in bulk (a
// local activity, idempotent) and keeps the wakes it owes in state, so a crash between "written" and
// "woken" still wakes; the main loop hands them to device workflows in pages, in order.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeviceEventIngestActivities } from '../activities/device/device-event-ingest.activities.js';
import type { DeviceWake } from '../core/device/device-event-batch.js';
import { ingestDeviceEventsUpdate, type DeviceEventsWorkflowInput } from './device-events.messages.js';

const MAX_HISTORY_EVENTS = 5_000;
/** Wakes per activity: bounded so one activity's input stays small and its retry repeats little. */
const WAKE_PAGE = 200;

export async function deviceEventsWorkflow(input: DeviceEventsWorkflowInput): Promise<void> {
  const { edgeTaskQueue } = input;
  const maxHistory = input.maxHistoryEvents ?? MAX_HISTORY_EVENTS;
  const wakes: DeviceWake[] = input.state?.wakes ?? [];
  const ingest = proxyLocalActivities<DeviceEventIngestActivities>({
    startToCloseTimeout: '30 seconds',
    // A core DB that stays down fails the Update: the edge keeps the events and relays them again.
    retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 },
  });
  const wake = proxyActivities<DeviceEventIngestActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });

  setHandler(
    ingestDeviceEventsUpdate,
    async (events) => {
      const owed = await ingest.ingestDeviceEvents({ edgeTaskQueue, events });
      // A batch relayed again before its wakes went out owes them once.
      const queued = new Set(wakes.map((w) => w.outboxId));
      wakes.push(...owed.wakes.filter((w) => !queued.has(w.outboxId)));
      return { wakes: owed.wakes.length };
    },
    {
      validator: (events) => {
        if (!Array.isArray(events) || events.length === 0)
          throw new Error('a batch holds at least one event');
      },
    },
  );

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
