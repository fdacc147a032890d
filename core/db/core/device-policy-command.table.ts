// The commands Keep sent a device for its policies, one per policy setting, with what the device showed since.
import type { Selectable } from 'kysely';

/** `sent`: queued; `installed`: an app the device listed; `missing`: listed once, gone since (drift). */
export type PolicyCommandStatus = 'sent' | 'installed' | 'missing';

export interface DevicePolicyCommandTable {
  device_id: string;
  policy_id: string;
  setting: string;
  request_type: string;
  content_hash: string;
  version: number;
  command_uuid: string;
  status: PolicyCommandStatus;
  sent_at: Date;
  verified_at: Date | null;
}

export type DevicePolicyCommandRow = Selectable<DevicePolicyCommandTable>;
