// Keep's CA certificates and their sealed private keys, one active row per purpose.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type CaKeyPurpose = 'root' | 'issuing' | 'profile-signing' | 'escrow' | 'scep-ra';

export interface CaKeyTable {
  id: string;
  purpose: CaKeyPurpose;
  /** For 'root' rows, every certificate above the issuing CA, nearest first (just the root for Keep's own CA). */
  certificate_pem: string;
  /**
   * PKCS#8 sealed with the core key ring (KeyRing.sealToString, AAD `ca_keys/<purpose>/<id>`).
   * Null when Keep does not hold the key: an imported CA's outside root, the edge's SCEP RA.
   */
  sealed_private_key: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export type CaKey = Selectable<CaKeyTable>;
export type NewCaKey = Insertable<CaKeyTable>;
export type CaKeyUpdate = Updateable<CaKeyTable>;
