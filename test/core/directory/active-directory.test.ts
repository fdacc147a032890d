import { describe, expect, it } from 'vitest';
import {
  inChainMemberOf,
  isAccountDisabled,
  objectGuidFromString,
  objectGuidToString,
} from '../../../core/directory/active-directory.js';

describe('Active Directory helpers', () => {
  it('reads objectGUID octets in the mixed-endian order AD tools show', () => {
    const bytes = Buffer.from('e004253f894fd3119a0c0305e82c3301', 'hex');
    expect(objectGuidToString(bytes)).toBe('3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    expect(objectGuidFromString('3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toEqual(bytes);
  });

  it('refuses an objectGUID that is not 16 octets', () => {
    expect(() => objectGuidToString(Buffer.alloc(15))).toThrow(/16 octets/);
  });

  it('treats userAccountControl bit 0x2 as disabled, and garbage as enabled', () => {
    expect(isAccountDisabled('512')).toBe(false);
    expect(isAccountDisabled('514')).toBe(true);
    expect(isAccountDisabled('66050')).toBe(true);
    expect(isAccountDisabled(undefined)).toBe(false);
    expect(isAccountDisabled('nope')).toBe(false);
  });

  it('builds the in-chain membership filter with the group DN escaped', () => {
    expect(inChainMemberOf('CN=R&D (EU),OU=Groups,DC=corp')).toBe(
      '(memberOf:1.2.840.113556.1.4.1941:=CN=R&D \\28EU\\29,OU=Groups,DC=corp)',
    );
  });
});
