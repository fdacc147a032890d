// A pre-staging request from an onboarding system (POST /v1/onboarding), kept to answer a retry the same way.
import type { ColumnType, Generated, Selectable } from 'kysely';

export interface OnboardingRequestTable {
  /** The subject of the API token that sent it: keys are the caller's own, so two callers never collide. */
  caller: string;
  key: string;
  request: ColumnType<Record<string, unknown>, string, string>;
  dep_device_id: string;
  /** When the webhook told the caller the device is enrolled and configured. */
  notified_at: Date | null;
  created_at: Generated<Date>;
}

export type OnboardingRequestRow = Selectable<OnboardingRequestTable>;
