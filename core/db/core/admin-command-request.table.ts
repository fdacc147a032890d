// Every command or workflow action an admin asked for, written by the admin API (core role) before it asks the
// workflow: the workflow acts only if its row matches, and the edge, which cannot write the core schema, cannot forge one.
import type { Generated, Insertable, Selectable } from 'kysely';

export interface AdminCommandRequestTable {
  /** The command's UUID, or the request id of a workflow action (a rollout's pause, …). */
  command_uuid: string;
  /** The device a command is for; null for an action on another target. */
  device_id: string | null;
  /** The command's request type, or the action (`rollout.pause`). */
  request_type: string;
  target_kind: string | null;
  target_id: string | null;
  /** Lowercase hex SHA-256 of the payload exactly as sent: the edge cannot swap the body of an allowed command. */
  payload_sha256: string;
  requested_by: string;
  /** The workflow run and activity that used a one-use request; a second use is refused. */
  consumed_by: string | null;
  created_at: Generated<Date>;
}

export type AdminCommandRequest = Selectable<AdminCommandRequestTable>;
export type NewAdminCommandRequest = Insertable<AdminCommandRequestTable>;
