// Effective group memberships (nested groups expanded); `direct` marks the ones the directory lists itself.
export interface DirectoryMembershipTable {
  user_id: string;
  group_id: string;
  direct: boolean;
}
