// The device-events workflow's input and Update, declared beside it: each edge's outbox relay sends one
// ingest Update per drain.
import { defineUpdate } from '@temporalio/workflow';
import type { DeviceWake, RelayedDeviceEvent } from '../core/device/device-event-batch.js';

export interface DeviceEventsWorkflowInput {
  /** The edge whose outbox this workflow ingests; its device workflows command that edge. */
  edgeTaskQueue: string;
  /** Carried across continue-as-new: wakes not yet handed to their device workflows. */
  state?: { wakes: DeviceWake[] };
  /** Continue-as-new once history passes this many events (default 5,000; tests set it low). */
  maxHistoryEvents?: number;
}

export interface IngestResult {
  /** Events of the batch that wake a device workflow (now, or still owed from an earlier delivery). */
  wakes: number;
}

/** Returns once the batch is durable in the core DB: only then may the edge mark it relayed. */
export const ingestDeviceEventsUpdate = defineUpdate<IngestResult, [RelayedDeviceEvent[]]>(
  'ingestDeviceEvents',
);
