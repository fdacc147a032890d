// Admin API tokens: only a SHA-256 of each token is kept, so the table never holds a usable credential.
import type { Generated, Insertable, Selectable } from 'kysely';

export interface ApiTokenTable {
  id: Generated<string>;
  name: string;
  /** One of the admin API's roles (admin/auth/rbac.ts). */
  role: string;
  /** Hex SHA-256 of the bearer token. */
  token_hash: string;
  created_by: string;
  created_at: Generated<Date>;
  /** Required: a token no longer works after this. */
  expires_at: Date;
  /** Set: the token's role holds only in this team. */
  team_id: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export type ApiToken = Selectable<ApiTokenTable>;
export type NewApiToken = Insertable<ApiTokenTable>;
