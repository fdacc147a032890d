// A role granted to a directory user, a directory group (every member) or an API token, globally or in one team.
import type { Generated, Insertable, Selectable } from 'kysely';

export type GrantSubjectKind = 'user' | 'group' | 'token';

export interface RoleGrantTable {
  id: Generated<string>;
  subject_kind: GrantSubjectKind;
  /** A directory user or group id, or an API token id. */
  subject_id: string;
  /** One of the admin API's roles (admin/auth/rbac.ts). */
  role: string;
  /** Null: the grant holds everywhere. */
  team_id: string | null;
  created_by: string;
  created_at: Generated<Date>;
}

export type RoleGrant = Selectable<RoleGrantTable>;
export type NewRoleGrant = Insertable<RoleGrantTable>;
