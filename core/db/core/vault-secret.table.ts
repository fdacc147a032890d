// Escrowed device secrets (bootstrap tokens, FileVault recovery keys): one row per version, never in clear.
import type { Generated, Selectable } from 'kysely';

export interface VaultSecretTable {
  id: Generated<string>;
  device_id: string;
  /** A VaultSecretKind. */
  kind: string;
  version: number;
  /**
   * A new version supersedes the current one; superseded rows are kept for vault.supersededRetentionDays. A secret
   * Keep sets on the device is `pending` until the device acknowledges it, `failed` when the device refuses it.
   */
  state: 'current' | 'superseded' | 'pending' | 'failed';
  /** The KMS key-encryption key that wrapped `wrapped_key`. */
  kek_id: string;
  wrapped_key: Buffer;
  /** AES-256-GCM under the row's own data key, AAD-bound to device, kind and version. */
  ciphertext: Buffer;
  created_at: Generated<Date>;
  superseded_at: Date | null;
  /** When the integrity check last tried to open it, and why it did not open (null: it did). */
  checked_at: Date | null;
  check_error: string | null;
  /** The rotation that wrote a pending version (one version per rotation, however often it is retried). */
  rotation_id: string | null;
  /** On the current version: the last rotation the device refused, and its error (null once one succeeds). */
  rotation_failed_at: Date | null;
  rotation_error: string | null;
}

export type VaultSecret = Selectable<VaultSecretTable>;
