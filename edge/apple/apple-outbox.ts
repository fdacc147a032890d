// Apple's events into the edge outbox: written in Apple's terms by the check-in and command routes, stored
// in the neutral envelope every device workflow reads.
import type { Kysely, Transaction } from 'kysely';
import { appleDeviceEvent, type AppleDeviceEvent } from '../../core/apple/apple-device-event.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { addDeviceEvent } from '../outbox/outbox.repository.js';

export function addToOutbox(
  db: Kysely<EdgeDatabase> | Transaction<EdgeDatabase>,
  deviceId: string,
  event: AppleDeviceEvent,
): Promise<void> {
  return addDeviceEvent(db, deviceId, appleDeviceEvent(event));
}
