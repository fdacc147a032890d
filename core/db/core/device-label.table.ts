// A label on a device: an admin's tag, used to target policies.
import type { Generated } from 'kysely';

export interface DeviceLabelTable {
  device_id: string;
  label: string;
  created_at: Generated<Date>;
}
