// Device identity renewals asked for by the identity-renewal workflow (one row per identity being replaced).
import type { Generated, Insertable, Selectable } from 'kysely';

export interface IdentityRenewalTable {
  /** The identity being replaced (lowercase hex SHA-256). */
  certificate_fingerprint: string;
  enrollment_id: string;
  device_id: string;
  not_after: Date;
  /** The InstallProfile that carries the refreshed identity payload. */
  command_uuid: string;
  /** The Temporal run that asked last. */
  run_id: string;
  attempts: Generated<number>;
  requested_at: Generated<Date>;
}

export type IdentityRenewal = Selectable<IdentityRenewalTable>;
export type NewIdentityRenewal = Insertable<IdentityRenewalTable>;
