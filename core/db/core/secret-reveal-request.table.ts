// A request to reveal an escrowed device secret, as the admin API recorded it (the proof the reveal workflow reads).
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { BoxRecipient } from '../../crypto/sealed-box.js';

export type SecretRevealStatus = 'awaiting-approval' | 'approved' | 'revealed' | 'expired';

export interface SecretRevealRequestTable {
  id: string;
  device_id: string;
  /** A VaultSecretKind. */
  kind: string;
  reason: string;
  requested_by: string;
  status: SecretRevealStatus;
  /** Another admin than `requested_by`, when a second approver is required. */
  approved_by: string | null;
  approved_at: Date | null;
  /** Until when the request may be approved, then (once approved) shown. */
  expires_at: Date;
  /** The public key of the admin request that shows the secret; set once, with `revealed_at`. */
  reply_key: ColumnType<BoxRecipient | null, string | null, string | null>;
  revealed_at: Date | null;
  created_at: Generated<Date>;
}

export type SecretRevealRequest = Selectable<SecretRevealRequestTable>;
