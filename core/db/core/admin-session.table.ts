// Console sessions after an OIDC sign-in; only a hash of the session id is kept.
import type { ColumnType, Generated, Selectable } from 'kysely';

export interface AdminSessionTable {
  /** Hex SHA-256 of the `keep_session` cookie value. */
  id_hash: string;
  user_id: string;
  /** Roles the ID token's role claim mapped to at sign-in (held globally). */
  claim_roles: ColumnType<string[], string, string>;
  csrf_token: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
}

/** A sign-in begun at /auth/login and not yet finished: single use, short-lived. */
export interface AdminOidcLoginTable {
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: Generated<Date>;
}

/** One row once the bootstrap token has been switched off through the API. */
export interface AdminBootstrapTokenTable {
  id: number;
  disabled_at: Date;
  disabled_by: string;
}

export type AdminSession = Selectable<AdminSessionTable>;
