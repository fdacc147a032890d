// What each sync or SCIM request changed, for audit and for whoever reacts to directory changes.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export const DIRECTORY_CHANGE_KINDS = [
  'user-added',
  'user-updated',
  'user-disabled',
  'user-removed',
  'group-added',
  'group-removed',
  'membership-added',
  'membership-removed',
] as const;
export type DirectoryChangeKind = (typeof DIRECTORY_CHANGE_KINDS)[number];

export interface DirectoryChangeTable {
  id: Generated<string>;
  at: Generated<Date>;
  source: string;
  kind: DirectoryChangeKind;
  subject_kind: 'user' | 'group';
  subject_id: string;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export type DirectoryChange = Selectable<DirectoryChangeTable>;
export type NewDirectoryChange = Insertable<DirectoryChangeTable>;
