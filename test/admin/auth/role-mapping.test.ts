import { describe, expect, it } from 'vitest';
import { parseRoleMapping, RoleMappingError, rolesFromClaim } from '../../../admin/auth/role-mapping.js';

describe('OIDC role mapping', () => {
  const mapping = parseRoleMapping('keep-admins=admin, helpdesk=helpdesk,cn=ops=operator');

  it('maps a string or an array claim (values may hold "="), ignoring unmapped and non-string values', () => {
    expect(rolesFromClaim('keep-admins', mapping)).toEqual(['admin']);
    expect(rolesFromClaim(['staff', 'helpdesk', 42, 'cn=ops'], mapping)).toEqual(['helpdesk', 'operator']);
    expect(rolesFromClaim({ 'keep-admins': true }, mapping)).toEqual([]);
    expect(rolesFromClaim(undefined, mapping)).toEqual([]);
  });

  it('refuses a mapping to a role that does not exist, naming the pair', () => {
    expect(() => parseRoleMapping('keep-admins=root')).toThrow(RoleMappingError);
    expect(() => parseRoleMapping('keep-admins=root')).toThrow(/keep-admins=root/);
    expect(parseRoleMapping('').size).toBe(0);
  });
});
