// An Apple Business Manager server entry: Keep's key pair for it, its token (sealed), its sync cursor.
import type { Generated, Selectable } from 'kysely';

export interface DepServerTable {
  id: string;
  /** What the admin uploads to ABM; the server token comes back encrypted to it. */
  certificate_pem: string;
  /** KeyRing.sealToString of the key (PKCS#8 PEM), AAD-bound to `dep-key:<id>`. */
  sealed_key: string;
  /** KeyRing.sealToString of the token's JSON, AAD-bound to `dep-token:<id>`; null until imported. */
  sealed_token: string | null;
  token_expires_at: Date | null;
  /** Where the next sync starts; null before the first fetch. */
  cursor: string | null;
  /** The default ADE profile Keep defined in ABM, assigned to new devices. */
  profile_uuid: string | null;
  last_sync_at: Date | null;
  last_error: string | null;
  created_at: Generated<Date>;
}

export type DepServerRow = Selectable<DepServerTable>;
