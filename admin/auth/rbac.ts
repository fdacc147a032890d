// Role-based access: which role holds which permission, and the middleware that refuses the rest with 403.
import type { MiddlewareHandler } from 'hono';
import type { AdminEnv, Principal } from './principal.js';

const ADMIN_ROLES = ['admin', 'operator', 'helpdesk', 'auditor'] as const;
/** `scim` is an identity provider's token: it may provision directory users and groups, nothing else. */
export const ROLES = [...ADMIN_ROLES, 'scim'] as const;
export type Role = (typeof ROLES)[number];

const everyone = ADMIN_ROLES;

/** The one table of who may do what; a route names the permission it needs, never a role. */
export const PERMISSIONS = {
  'devices:read': everyone,
  'commands:read': everyone,
  /** Send the commands in HELPDESK_COMMANDS. */
  'commands:send': ['admin', 'operator', 'helpdesk'],
  /** Send any command, including erase, restart, profile changes and raw commands. */
  'commands:send-any': ['admin', 'operator'],
  'push-certificate:read': ['admin', 'operator', 'auditor'],
  'push-certificate:write': ['admin'],
  'tokens:manage': ['admin'],
  'enrollments:create': ['admin', 'operator'],
  'challenges:create': ['admin', 'operator'],
  'certificates:revoke': ['admin'],
  'audit:read': ['admin', 'auditor'],
  'scim:write': ['scim'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Queries and a lock: what a help desk needs to help a user, nothing that loses data or changes config. */
export const HELPDESK_COMMANDS: ReadonlySet<string> = new Set([
  'DeviceInformation',
  'SecurityInfo',
  'ProfileList',
  'InstalledApplicationList',
  'CertificateList',
  'DeviceLock',
]);

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** The permission a command needs; a raw plist may carry anything, so it always needs the wider one. */
export function commandPermission(requestType: string, raw: boolean): Permission {
  return !raw && HELPDESK_COMMANDS.has(requestType) ? 'commands:send' : 'commands:send-any';
}

export function forbidden(principal: Principal, permission: Permission): Response {
  return Response.json(
    { error: `forbidden: role ${principal.role} lacks permission ${permission}` },
    { status: 403 },
  );
}

export function requirePermission(permission: Permission): MiddlewareHandler<AdminEnv> {
  return async function requirePermissionMiddleware(c, next) {
    const principal = c.get('principal');
    if (!hasPermission(principal.role, permission)) return forbidden(principal, permission);
    await next();
  };
}
