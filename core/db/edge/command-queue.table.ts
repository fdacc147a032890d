// The per-enrollment command queue: what the device gets next, and the protocol's answer for each command.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type CommandQueueStatus = 'queued' | 'sent' | 'acknowledged' | 'error' | 'format-error' | 'not-now';

export interface CommandQueueTable {
  id: Generated<string>;
  enrollment_id: string;
  command_uuid: string;
  request_type: string;
  /** The macOS user channel (UserID) the command is for; null: the device channel. */
  user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * The command plist, sealed with the edge key ring (edge/apple/command-body.ts); empty once the device gave its
   * final answer, so a delivered secret (a lock PIN) is not kept for the retention period.
   */
  body: Buffer;
  /** The ring key that sealed `body`; null for a purged body (or one queued in clear before bodies were sealed). */
  body_key_id: string | null;
  /** Lower runs first; equal priorities run in the order queued. */
  priority: Generated<number>;
  status: Generated<CommandQueueStatus>;
  created_at: Generated<Date>;
  sent_at: Date | null;
  finished_at: Date | null;
}

export interface CommandResultTable {
  enrollment_id: string;
  command_uuid: string;
  status: string;
  /** The device's report plist, as received. */
  body: Buffer;
  received_at: Generated<Date>;
}

export type QueuedCommand = Selectable<CommandQueueTable>;
export type NewQueuedCommand = Insertable<CommandQueueTable>;
export type CommandResult = Selectable<CommandResultTable>;
