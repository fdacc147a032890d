// Directory users, read from LDAP/AD, pushed by SCIM, or first seen at an OIDC sign-in.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface DirectoryUserTable {
  id: Generated<string>;
  source: string;
  external_id: string;
  username: string;
  email: string | null;
  display_name: string | null;
  department: string | null;
  disabled: Generated<boolean>;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

export type DirectoryUser = Selectable<DirectoryUserTable>;
export type NewDirectoryUser = Insertable<DirectoryUserTable>;
