// Keep's CA certificates and their sealed private keys, one active row per purpose.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type CaKeyPurpose = 'root' | 'issuing' | 'profile-signing' | 'escrow' | 'scep-ra';

/**
 * A CA's life in a rollover: `next` is published (trusted, in GetCACert) but issues nothing; `active` issues;
 * `retiring` is still trusted while the identities it issued are renewed; `retired` is neither.
 */
export type CaKeyState = 'next' | 'active' | 'retiring' | 'retired';

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
  state: Generated<CaKeyState>;
  /** The rollover that introduced this CA; null for the first one. */
  rollover_id: string | null;
  /** On a successor root: the old root's certificate of this root's key (root rollover); null otherwise. */
  cross_certificate_pem: string | null;
  created_at: Generated<Date>;
}

export type CaKey = Selectable<CaKeyTable>;
export type NewCaKey = Insertable<CaKeyTable>;
export type CaKeyUpdate = Updateable<CaKeyTable>;
