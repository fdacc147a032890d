// Directory groups from every source; `dn` only for LDAP groups.
import type { Generated, Insertable, Selectable } from 'kysely';
import type { DirectorySource } from '../../directory/directory-model.js';

export interface DirectoryGroupTable {
  id: Generated<string>;
  source: DirectorySource;
  external_id: string;
  name: string;
  dn: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

export type DirectoryGroupRow = Selectable<DirectoryGroupTable>;
export type NewDirectoryGroupRow = Insertable<DirectoryGroupTable>;
