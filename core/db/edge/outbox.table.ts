// Events the edge owes the core, stored before the device gets its answer and relayed to Temporal later.
import type { Generated, Insertable, Selectable } from 'kysely';

export interface OutboxTable {
  id: Generated<string>;
  device_id: string;
  enrollment_id: string;
  /** A DeviceEvent (core/device/device-event.ts) as JSON; rows from before it was neutral are Apple-shaped. */
  event: unknown;
  created_at: Generated<Date>;
  relayed_at: Date | null;
  /** Until when a relayer holds the row (it is sending it); a lapsed lease is claimed again. */
  lease_until: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
