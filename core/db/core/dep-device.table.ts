// A device Apple Business Manager assigned to Keep, as the last sync saw it.
import type { Generated, Selectable } from 'kysely';

export interface DepDeviceTable {
  serial_number: string;
  /** Keep's opaque id for it: the only one that may reach Temporal. */
  id: Generated<string>;
  server_id: string;
  model: string | null;
  os: string | null;
  device_family: string | null;
  profile_uuid: string | null;
  profile_status: string | null;
  /** Who the device is pre-staged for: a directory user name or e-mail. */
  owner: string | null;
  /** Set when ABM no longer assigns it to Keep; such a device may not enrol zero-touch. */
  removed_at: Date | null;
  added_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type DepDeviceRow = Selectable<DepDeviceTable>;
