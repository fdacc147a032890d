import { describe, expect, it } from 'vitest';
import { escapeDnValue } from '../../../core/directory/ldap-dn.js';

describe('DN value escaping (RFC 4514)', () => {
  it.each([
    ['Smith, John', 'Smith\\, John'],
    ['a+b=c', 'a\\+b\\=c'],
    ['x,ou=admins', 'x\\,ou\\=admins'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    ['#hash', '\\#hash'],
    ['nul\u0000', 'nul\\00'],
    ['quote"<>;\\', 'quote\\"\\<\\>\\;\\\\'],
  ])('escapes %j so it cannot add an RDN or a level', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });
});
