// Effective group memberships (nested groups expanded); `direct` marks the ones listed on the group itself.
import type { Selectable } from 'kysely';

export interface DirectoryMembershipTable {
  user_id: string;
  group_id: string;
  direct: boolean;
}

export type DirectoryMembershipRow = Selectable<DirectoryMembershipTable>;
