// Active Directory specifics: the objectGUID byte order, disabled accounts, and the in-chain matching rule.
import { extensible, type LdapFilter } from './ldap-filter.js';

/** LDAP_MATCHING_RULE_IN_CHAIN: transitive group membership in one search ([MS-ADTS] §3.1.1.3.4.4.1). */
export const IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';

/** LDAP_CAP_ACTIVE_DIRECTORY_OID in the root DSE's supportedCapabilities ([MS-ADTS] §3.1.1.3.4.3). */
export const AD_CAPABILITY = '1.2.840.113556.1.4.800';

/** ADS_UF_ACCOUNTDISABLE in userAccountControl ([MS-ADTS] §2.2.16). */
const ACCOUNT_DISABLE = 0x2;

export class ObjectGuidError extends Error {
  override name = 'ObjectGuidError';
}

/**
 * objectGUID is 16 octets whose first three fields are little-endian (a Windows GUID struct); the canonical
 * string AD tools show swaps them back: bytes 3 2 1 0 - 5 4 - 7 6 - 8 9 - 10…15.
 */
export function objectGuidToString(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new ObjectGuidError(`objectGUID must be 16 octets, got ${bytes.length}`);
  const hex = (indexes: number[]) => indexes.map((i) => bytes[i]!.toString(16).padStart(2, '0')).join('');
  return [hex([3, 2, 1, 0]), hex([5, 4]), hex([7, 6]), hex([8, 9]), hex([10, 11, 12, 13, 14, 15])].join('-');
}

/** The inverse of objectGuidToString, for seeding test directories and searching by GUID. */
export function objectGuidFromString(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new ObjectGuidError('objectGUID must be 32 hex digits');
  const raw = Buffer.from(hex, 'hex');
  return Buffer.from([3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].map((i) => raw[i]!));
}

/** userAccountControl arrives as a decimal string; an unreadable value is treated as enabled, never as a crash. */
export function isAccountDisabled(userAccountControl: string | undefined): boolean {
  const flags = Number.parseInt(userAccountControl ?? '', 10);
  return Number.isFinite(flags) && (flags & ACCOUNT_DISABLE) !== 0;
}

/** Every entry that is a member of `groupDn`, directly or through nested groups. */
export function inChainMemberOf(groupDn: string): LdapFilter {
  return extensible('memberOf', IN_CHAIN_RULE, groupDn);
}
