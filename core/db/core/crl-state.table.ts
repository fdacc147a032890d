// Every CRL the issuing CA published; the highest number is current (RFC 5280 §5.2.3).
import type { Generated, Insertable, Selectable } from 'kysely';

export interface CrlStateTable {
  /** The CRL number; the primary key, so two publishers cannot both issue the same number. */
  number: number;
  published_at: Generated<Date>;
  next_update: Date;
  der: Buffer;
  /** Hex subjectKeyIdentifier of the CA that signed it; null on rows from before one CRL per CA. */
  issuer_key_id: Generated<string | null>;
}

export type CrlState = Selectable<CrlStateTable>;
export type NewCrlState = Insertable<CrlStateTable>;
