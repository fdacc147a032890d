// The neutral directory model every source (LDAP/AD sync, SCIM) maps into before it reaches core.directory_*.

export type DirectoryKind = 'ad' | 'openldap';
/** 'oidc': a user first seen at an OIDC sign-in, matching no directory entry. */
export type DirectorySource = 'ldap' | 'scim' | 'oidc';

export interface DirectoryUser {
  /** The directory's stable id: objectGUID on AD, entryUUID on OpenLDAP, the IdP's id on SCIM. */
  externalId: string;
  username: string;
  email: string | null;
  displayName: string | null;
  department: string | null;
  disabled: boolean;
  /** Source-specific extras (the DN, the UPN): kept for role mapping, never required by Keep itself. */
  attributes: Record<string, string>;
}

export interface DirectoryGroup {
  externalId: string;
  name: string;
  dn: string | null;
}

/** A group and its effective members (nested groups expanded); `direct` are the ones listed on the group itself. */
export interface GroupMembers {
  groupExternalId: string;
  direct: ReadonlySet<string>;
  effective: ReadonlySet<string>;
}
