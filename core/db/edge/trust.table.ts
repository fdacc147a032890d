// What the edge trusts and refuses: Keep's CA chain (certificates only, never a CA key) and revoked identities.
import type { Generated, Selectable } from 'kysely';

export interface CaChainTable {
  /** Lower-case hex SHA-256 of the DER. */
  fingerprint: string;
  der: Buffer;
  role: 'root' | 'issuing';
  /** The issuing CA a rollover introduced and that issues nothing yet: GetNextCACert's answer. */
  next: Generated<boolean>;
  installed_at: Generated<Date>;
}

export interface RevokedCertificateTable {
  fingerprint: string;
  serial: string;
  revoked_at: Date;
}

export type CaChainCertificate = Selectable<CaChainTable>;
