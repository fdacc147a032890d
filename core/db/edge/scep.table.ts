// The edge's SCEP registration authority (its key sealed with the edge key ring), issued identities, and the CRL.
import type { Generated, Selectable } from 'kysely';

export interface ScepRaTable {
  id: Generated<number>;
  sealed_key: string;
  /** Null until the core has certified the key. */
  certificate_der: Buffer | null;
  /** The certificate of the same key that the last rotation replaced (answered under until it expires). */
  previous_certificate_der: Generated<Buffer | null>;
  /** The new key a rotation is certifying (sealed); null when none is under way. */
  next_sealed_key: Generated<string | null>;
  /** The key of previous_certificate_der when a rotation replaced the key; null when it was the same key. */
  previous_sealed_key: Generated<string | null>;
  updated_at: Generated<Date>;
}

/** Which enrollment each identity certificate issued through this edge was for (bound at first Authenticate). */
export interface IssuedIdentityTable {
  fingerprint: string;
  enrollment_id: string | null;
  /** For a renewal: the fingerprint of the bound certificate it replaces once the device uses it. */
  renewal_of: Generated<string | null>;
  issued_at: Generated<Date>;
}

export interface CrlTable {
  id: Generated<number>;
  der: Buffer;
  installed_at: Generated<Date>;
}

/** One CRL per issuing CA, served at /pki/crl/<issuer_key_id>. */
export interface CaCrlTable {
  issuer_key_id: string;
  der: Buffer;
  installed_at: Generated<Date>;
}

export type ScepRa = Selectable<ScepRaTable>;
