// Every command an admin asked for, written by the admin API (core role) before it asks the device workflow: the
// workflow queues a command only if its row matches, and the edge, which cannot write the core schema, cannot forge one.
import type { Generated, Insertable, Selectable } from 'kysely';

export interface AdminCommandRequestTable {
  command_uuid: string;
  device_id: string;
  request_type: string;
  /** Lowercase hex SHA-256 of the payload exactly as sent: the edge cannot swap the body of an allowed command. */
  payload_sha256: string;
  requested_by: string;
  created_at: Generated<Date>;
}

export type AdminCommandRequest = Selectable<AdminCommandRequestTable>;
export type NewAdminCommandRequest = Insertable<AdminCommandRequestTable>;
