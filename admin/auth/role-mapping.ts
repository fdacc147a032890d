// Roles from an ID token claim: admin.oidcRoleClaim's values through admin.oidcRoleMapping ("value=role,…").
import { isRole, type Role } from './rbac.js';

export class RoleMappingError extends Error {
  override name = 'RoleMappingError';
}

export type RoleMapping = ReadonlyMap<string, Role>;

/** Read once at start: a role name that does not exist stops the admin process rather than granting nothing. */
export function parseRoleMapping(spec: string): RoleMapping {
  const mapping = new Map<string, Role>();
  for (const pair of spec.split(',').filter((p) => p.trim() !== '')) {
    const at = pair.lastIndexOf('=');
    const value = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at < 1 || !isRole(role)) {
      throw new RoleMappingError(
        `admin.oidcRoleMapping: "${pair}" does not map a claim value to a known role`,
      );
    }
    mapping.set(value, role);
  }
  return mapping;
}

/** The claim may be one string or an array of strings (e.g. `groups`); anything else maps to nothing. */
export function rolesFromClaim(claim: unknown, mapping: RoleMapping): Role[] {
  const values = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : [];
  const roles = new Set<Role>();
  for (const value of values) {
    const role = typeof value === 'string' ? mapping.get(value) : undefined;
    if (role) roles.add(role);
  }
  return [...roles];
}
