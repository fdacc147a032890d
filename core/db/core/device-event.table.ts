// The device events the core has ingested: the dedupe key of the bulk ingest and the wakes still owed.
import type { ColumnType, Generated, Selectable } from 'kysely';

export interface DeviceEventTable {
  /** The edge task queue whose outbox held the event. */
  edge_queue: string;
  /** The event's id in that edge's outbox (bigserial, as text). */
  outbox_id: ColumnType<string, string | number, never>;
  device_id: string;
  kind: string;
  at: ColumnType<Date, Date | string, never>;
  /** The event needs its device workflow and that workflow has not been told yet. */
  wake_pending: boolean;
  /**
   * The event a pending wake hands to the device workflow, as the edge relayed it (an answer for the vault still
   * sealed to the core's key); cleared once woken. Null for events that wake nothing, and for wakes owed before
   * the column existed.
   */
  wake_event: ColumnType<unknown, string | null | undefined, string | null>;
  received_at: Generated<Date>;
}

export type DeviceEventRow = Selectable<DeviceEventTable>;
