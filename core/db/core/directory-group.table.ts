// Directory groups, read from LDAP/AD or pushed by SCIM.
import type { Generated, Selectable } from 'kysely';

export interface DirectoryGroupTable {
  id: Generated<string>;
  source: string;
  external_id: string;
  name: string;
  dn: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

export type DirectoryGroup = Selectable<DirectoryGroupTable>;
