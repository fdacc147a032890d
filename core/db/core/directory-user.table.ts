// Directory users from every source (LDAP/AD sync, SCIM), one row per (source, external id); soft-deleted.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { DirectorySource } from '../../directory/directory-model.js';

export interface DirectoryUserTable {
  id: Generated<string>;
  source: DirectorySource;
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

export type DirectoryUserRow = Selectable<DirectoryUserTable>;
export type NewDirectoryUserRow = Insertable<DirectoryUserTable>;
