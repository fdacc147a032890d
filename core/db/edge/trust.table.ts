// What the edge trusts and refuses: Keep's CA chain (certificates only, never a CA key) and revoked identities.
import type { Generated, Selectable } from 'kysely';

export interface CaChainTable {
  /** Lower-case hex SHA-256 of the DER. */
  fingerprint: string;
  der: Buffer;
  role: 'root' | 'issuing';
  installed_at: Generated<Date>;
}

export interface RevokedCertificateTable {
  fingerprint: string;
  serial: string;
  revoked_at: Date;
}

export type CaChainCertificate = Selectable<CaChainTable>;
