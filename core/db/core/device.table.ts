// The inventory of record: one row per managed device, with the facts it reported.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface DeviceTable {
  /** Keep's opaque device id (the device workflow is `device-<id>`). */
  id: string;
  /** The id of a registered CorePlatform (activities/platforms.ts), e.g. `apple`. */
  platform: string;
  /** Current enrollment id at the edge. */
  enrollment_id: string | null;
  /** The platform's hardware id (Apple: UDID, or a User Enrollment's EnrollmentID). */
  udid: string | null;
  serial_number: string | null;
  name: string | null;
  model: string | null;
  os_version: string | null;
  /** The OS family a policy targets (`macOS`, `iOS`, `iPadOS`), computed by Postgres from the reported product name. */
  os_platform: ColumnType<string | null, never, never>;
  enrollment_status: 'authenticated' | 'enrolled' | 'checked-out';
  /** Everything the device reported (Authenticate, DeviceInformation, SecurityInfo), merged by source. */
  facts: ColumnType<Record<string, unknown>, string | undefined, string>;
  enrolled_at: Date | null;
  last_seen_at: Date | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type Device = Selectable<DeviceTable>;
export type NewDevice = Insertable<DeviceTable>;
export type DeviceUpdate = Updateable<DeviceTable>;
