// An admin's idempotency key for one device command: a retry with the same key and body is the same command.
import type { Generated, Selectable } from 'kysely';

export interface CommandIdempotencyKeyTable {
  /** The principal's subject: keys are per caller, so two callers never collide. */
  requested_by: string;
  idempotency_key: string;
  device_id: string;
  /** Lowercase hex SHA-256 of the device id and the request body: the same key with another body is refused. */
  request_sha256: string;
  command_uuid: string;
  /** The payload exactly as first sent (maybe sealed to the edge), kept until queued so a retry resends it. */
  payload: string | null;
  /** When the device workflow confirmed the command; null while the outcome is unknown. */
  queued_at: Date | null;
  created_at: Generated<Date>;
}

export type CommandIdempotencyKey = Selectable<CommandIdempotencyKeyTable>;
