// A device event as a device workflow may receive it: neutral, or in the Apple-only shape that edges wrote
// before events had a platform (still in an edge's outbox, or in a running workflow's history at upgrade).
import { appleDeviceEvent, type AppleDeviceEvent } from '../apple/apple-device-event.js';
import type { DeviceEvent } from './device-event.js';

export type ReceivedDeviceEvent = DeviceEvent | AppleDeviceEvent;

export function normalizeDeviceEvent(event: ReceivedDeviceEvent): DeviceEvent {
  return 'platform' in event ? event : appleDeviceEvent(event);
}
