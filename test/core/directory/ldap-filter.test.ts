import { describe, expect, it } from 'vitest';
import {
  and,
  configuredFilter,
  eq,
  escapeFilterValue,
  ge,
  or,
  present,
} from '../../../core/directory/ldap-filter.js';

describe('LDAP filter escaping (RFC 4515)', () => {
  it.each([
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['a\u0000b', 'a\\00b'],
    ['(admin)', '\\28admin\\29'],
    ['back\\slash', 'back\\5cslash'],
    ['Jürgen Ünal', 'J\\c3\\bcrgen \\c3\\9cnal'],
  ])('escapes %j so it stays one value', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it('escapes raw octets (an objectGUID) byte by byte', () => {
    expect(escapeFilterValue(Uint8Array.from([0x00, 0x2a, 0x41, 0xff]))).toBe('\\00\\2aA\\ff');
  });

  it('builds filters whose shape no value can change', () => {
    expect(and(eq('objectClass', 'person'), or(eq('uid', '*)(uid=*'), present('mail')))).toBe(
      '(&(objectClass=person)(|(uid=\\2a\\29\\28uid=\\2a)(mail=*)))',
    );
    expect(ge('uSNChanged', '12345')).toBe('(uSNChanged>=12345)');
  });

  it('refuses an attribute name that would smuggle filter syntax', () => {
    expect(() => eq('uid)(objectClass=*', 'x')).toThrow(/not an attribute description/);
    expect(() => eq('', 'x')).toThrow(/not an attribute description/);
  });

  it('accepts a configured filter only when its parentheses balance', () => {
    expect(configuredFilter('(&(objectClass=user)(cn=a\\29b))')).toBe('(&(objectClass=user)(cn=a\\29b))');
    expect(() => configuredFilter('(objectClass=user')).toThrow(/parenthesised/);
    expect(() => configuredFilter('objectClass=user')).toThrow(/parenthesised/);
    expect(() => configuredFilter('(a=b))((c=d)')).toThrow(/parenthesised/);
  });
});
