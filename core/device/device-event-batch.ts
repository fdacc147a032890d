// What an edge's relay hands the core in one Update (a drain of its outbox), and what the core owes back:
// the events of it that must wake a device workflow.
import type { DeviceEvent } from './device-event.js';
import type { ReceivedDeviceEvent } from './received-device-event.js';

export interface RelayedDeviceEvent {
  /** The event's id in its edge's outbox: with the edge task queue, the key that makes ingest idempotent. */
  outboxId: string;
  deviceId: string;
  event: ReceivedDeviceEvent;
}

export interface DeviceWake {
  outboxId: string;
  deviceId: string;
  event: DeviceEvent;
}
