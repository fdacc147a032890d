// Every command sent to a device and the protocol's own answer to it (never a guess).
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type DeviceCommandStatus = 'queued' | 'acknowledged' | 'error' | 'format-error' | 'not-now';

export interface DeviceCommandTable {
  command_uuid: string;
  device_id: string;
  request_type: string;
  status: DeviceCommandStatus;
  /** Who asked: an admin subject, or `keep` for commands Keep sends itself. */
  requested_by: string;
  /** Command-specific result keys, as JSON (binary values base64). */
  result: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  error_chain: ColumnType<unknown[] | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type DeviceCommand = Selectable<DeviceCommandTable>;
export type NewDeviceCommand = Insertable<DeviceCommandTable>;
