// One zero-touch (ADE) enrollment's progress, as the admin API shows it.
import type { ColumnType, Generated, Selectable } from 'kysely';

export type ZeroTouchStatus = 'waiting-for-device' | 'awaiting-configuration' | 'configured' | 'failed';

export interface ZeroTouchEnrollmentTable {
  enrollment_id: string;
  dep_device_id: string;
  device_id: string | null;
  status: ZeroTouchStatus;
  /** Why it is configured (baseline acknowledged, or the timeout) or why it failed. */
  reason: string | null;
  owner_user_id: string | null;
  teams: ColumnType<string[], string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ZeroTouchEnrollmentRow = Selectable<ZeroTouchEnrollmentTable>;
