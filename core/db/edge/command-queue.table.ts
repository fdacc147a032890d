// The per-enrollment command queue: what the device gets next, and the protocol's answer for each command.
import type { Generated, Insertable, Selectable } from 'kysely';

export type CommandQueueStatus = 'queued' | 'sent' | 'acknowledged' | 'error' | 'format-error' | 'not-now';

export interface CommandQueueTable {
  id: Generated<string>;
  enrollment_id: string;
  command_uuid: string;
  request_type: string;
  /** The command plist, exactly as sent. */
  body: Buffer;
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
