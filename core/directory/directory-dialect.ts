// How each kind of directory names its users, groups, ids and change cursor: one table, one entry per kind.
import { isAccountDisabled, objectGuidToString } from './active-directory.js';
import type { DirectoryGroup, DirectoryKind, DirectoryUser } from './directory-model.js';
import type { GroupNode } from './nested-groups.js';

/** An entry as an LDAP client returns it: attribute values as strings, or bytes for binary attributes. */
export interface LdapEntry {
  dn: string;
  [attribute: string]: string | string[] | Buffer | Buffer[];
}

export class DirectoryEntryError extends Error {
  override name = 'DirectoryEntryError';
}

export interface DirectoryDialect {
  defaultUserFilter: string;
  defaultGroupFilter: string;
  userAttributes: string[];
  groupAttributes: string[];
  /** Attributes to receive as bytes (objectGUID). */
  binaryAttributes: string[];
  /** The attribute incremental sync filters on with `>=`, and how two of its values order. */
  cursorAttribute: string;
  compareCursor(a: string, b: string): number;
  /**
   * A root DSE attribute holding the server's newest cursor value. Read before a scan, it is the safe next
   * cursor: an entry changed during the scan is stamped past it and read again next time.
   */
  serverCursorAttribute?: string;
  toUser(entry: LdapEntry): DirectoryUser;
  toGroup(entry: LdapEntry): { group: DirectoryGroup; node: GroupNode };
}

function first(entry: LdapEntry, attribute: string): string | undefined {
  const value = entry[attribute];
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return undefined;
  return typeof one === 'string' ? one : one.toString('utf8');
}

function all(entry: LdapEntry, ...attributes: string[]): string[] {
  return attributes.flatMap((attribute) => {
    const value = entry[attribute];
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).map((v) =>
      typeof v === 'string' ? v : v.toString('utf8'),
    );
  });
}

function required(entry: LdapEntry, attribute: string): string {
  const value = first(entry, attribute);
  if (!value) throw new DirectoryEntryError(`${entry.dn}: no ${attribute}`);
  return value;
}

function guid(entry: LdapEntry): string {
  const value = entry.objectGUID;
  const bytes = Array.isArray(value) ? value[0] : value;
  if (!Buffer.isBuffer(bytes)) throw new DirectoryEntryError(`${entry.dn}: no binary objectGUID`);
  return objectGuidToString(bytes);
}

function optional(value: string | undefined): string | null {
  return value && value.length > 0 ? value : null;
}

function withDn(entry: LdapEntry, extra: Record<string, string | undefined>): Record<string, string> {
  const attributes: Record<string, string> = { dn: entry.dn };
  for (const [key, value] of Object.entries(extra)) if (value) attributes[key] = value;
  return attributes;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byInteger = (a: string, b: string) => {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

const openldap: DirectoryDialect = {
  defaultUserFilter: '(objectClass=inetOrgPerson)',
  defaultGroupFilter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))',
  userAttributes: ['entryUUID', 'uid', 'mail', 'cn', 'displayName', 'departmentNumber', 'modifyTimestamp'],
  groupAttributes: ['entryUUID', 'cn', 'member', 'uniqueMember', 'modifyTimestamp'],
  binaryAttributes: [],
  cursorAttribute: 'modifyTimestamp',
  // GeneralizedTime as slapd writes it (YYYYMMDDHHMMSSZ) orders as text.
  compareCursor: byString,
  toUser: (entry) => ({
    externalId: required(entry, 'entryUUID'),
    username: required(entry, 'uid'),
    email: optional(first(entry, 'mail')),
    displayName: optional(first(entry, 'displayName') ?? first(entry, 'cn')),
    department: optional(first(entry, 'departmentNumber')),
    // OpenLDAP has no standard "disabled"; a locked account is enforced by the server at bind.
    disabled: false,
    attributes: withDn(entry, {}),
  }),
  toGroup: (entry) => {
    const externalId = required(entry, 'entryUUID');
    return {
      group: { externalId, name: required(entry, 'cn'), dn: entry.dn },
      node: { externalId, dn: entry.dn, memberDns: all(entry, 'member', 'uniqueMember') },
    };
  },
};

const ad: DirectoryDialect = {
  defaultUserFilter: '(&(objectCategory=person)(objectClass=user))',
  defaultGroupFilter: '(objectClass=group)',
  userAttributes: [
    'objectGUID',
    'sAMAccountName',
    'userPrincipalName',
    'mail',
    'displayName',
    'cn',
    'department',
    'userAccountControl',
    'uSNChanged',
  ],
  groupAttributes: ['objectGUID', 'cn', 'sAMAccountName', 'member', 'uSNChanged'],
  binaryAttributes: ['objectGUID'],
  cursorAttribute: 'uSNChanged',
  compareCursor: byInteger,
  serverCursorAttribute: 'highestCommittedUSN',
  toUser: (entry) => ({
    externalId: guid(entry),
    username: required(entry, 'sAMAccountName'),
    email: optional(first(entry, 'mail') ?? first(entry, 'userPrincipalName')),
    displayName: optional(first(entry, 'displayName') ?? first(entry, 'cn')),
    department: optional(first(entry, 'department')),
    disabled: isAccountDisabled(first(entry, 'userAccountControl')),
    attributes: withDn(entry, { userPrincipalName: first(entry, 'userPrincipalName') }),
  }),
  toGroup: (entry) => {
    const externalId = guid(entry);
    return {
      group: { externalId, name: first(entry, 'sAMAccountName') ?? required(entry, 'cn'), dn: entry.dn },
      node: { externalId, dn: entry.dn, memberDns: all(entry, 'member') },
    };
  },
};

export const DIRECTORY_DIALECTS: Record<DirectoryKind, DirectoryDialect> = { ad, openldap };

/** The newest cursor value an entry carries, if any. */
export function entryCursor(dialect: DirectoryDialect, entry: LdapEntry): string | undefined {
  return first(entry, dialect.cursorAttribute);
}
