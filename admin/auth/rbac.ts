// Role-based access: which role holds which permission, and the middleware that refuses the rest with 403.
import type { MiddlewareHandler } from 'hono';
import type { AdminEnv, Principal } from './principal.js';

const ADMIN_ROLES = ['admin', 'operator', 'helpdesk', 'auditor'] as const;
/**
 * Machine roles: `scim` is an identity provider's token (it may provision directory users and groups, nothing
 * else); `onboarding` is an HR or onboarding system's (it may pre-stage devices for new hires, nothing else).
 */
export const ROLES = [...ADMIN_ROLES, 'scim', 'onboarding'] as const;
export type Role = (typeof ROLES)[number];

const everyone = ADMIN_ROLES;

/** The one table of who may do what; a route names the permission it needs, never a role. */
export const PERMISSIONS = {
  'devices:read': everyone,
  'commands:read': everyone,
  /** See command results unredacted (bypass codes, unlock tokens, escrowed keys); each read is audited. */
  'command-results:read-secrets': ['admin'],
  /** Ask for, approve and see an escrowed device secret (FileVault key, bootstrap token); every step audited. */
  'secrets:reveal': ['admin'],
  /** Send what a help desk needs (queries, a lock): each platform's `commands.permission` says which (admin/platform.ts). */
  'commands:send': ['admin', 'operator', 'helpdesk'],
  /** Send any command, including erase, restart, profile changes and raw commands. */
  'commands:send-any': ['admin', 'operator'],
  'push-certificate:read': ['admin', 'operator', 'auditor'],
  'push-certificate:write': ['admin'],
  'tokens:manage': ['admin'],
  'enrollments:create': ['admin', 'operator'],
  /** Apple Business Manager: server entries (never the token), synced devices, zero-touch progress. */
  'dep:read': ['admin', 'operator', 'auditor'],
  /** Import the ABM server token, sync now, pre-stage a device for its owner. */
  'dep:write': ['admin'],
  'challenges:create': ['admin', 'operator'],
  'certificates:revoke': ['admin'],
  /** Expiring certificates and identity renewals (metadata only: serials, subjects, dates). */
  'certificates:read': ['admin', 'operator', 'auditor'],
  /** Start, pause and resume a CA rollover (a new issuing CA; every device identity renewed onto it). */
  'ca:rollover': ['admin'],
  'audit:read': ['admin', 'auditor'],
  'teams:manage': ['admin'],
  'grants:manage': ['admin'],
  'policies:read': everyone,
  /** Store policy versions and assign them: what every device in the target then enforces. */
  'policies:write': ['admin', 'operator'],
  'scim:write': ['scim'],
  /** Pre-stage an ABM device for a person (POST /v1/onboarding). */
  'onboarding:write': ['admin', 'onboarding'],
  /** How sign-in and the directory are set up and doing (OIDC issuer and client, sync status); never a secret. */
  'settings:read': ['admin', 'operator', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Where a permission holds: everywhere, or over the devices of these teams (possibly none). */
export type Scope = 'all' | readonly string[];

export function scopeOf(principal: Principal, permission: Permission): Scope {
  if (principal.roles.some((role) => hasPermission(role, permission))) return 'all';
  return [
    ...new Set(principal.teamRoles.filter((t) => hasPermission(t.role, permission)).map((t) => t.teamId)),
  ];
}

function describeRoles(principal: Principal): string {
  const roles = [...principal.roles, ...principal.teamRoles.map((t) => `${t.role} in team ${t.teamId}`)];
  return roles.length > 0 ? roles.join(', ') : 'no role';
}

export function forbidden(principal: Principal, permission: Permission): Response {
  return Response.json(
    { error: `forbidden: ${describeRoles(principal)} lacks permission ${permission}` },
    { status: 403 },
  );
}

/**
 * `global`: the permission must hold everywhere (tokens, teams, audit, PKI). `team`: a role held in any team
 * lets the request through, and the route then narrows what it touches to `scopeOf` (404 outside it).
 */
export function requirePermission(
  permission: Permission,
  where: 'global' | 'team' = 'global',
): MiddlewareHandler<AdminEnv> {
  return async function requirePermissionMiddleware(c, next) {
    const principal = c.get('principal');
    const scope = scopeOf(principal, permission);
    if (scope !== 'all' && (where === 'global' || scope.length === 0))
      return forbidden(principal, permission);
    await next();
  };
}
