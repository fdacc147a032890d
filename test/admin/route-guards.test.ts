// Every admin route, as the OpenAPI document lists it, refuses a request without credentials (401) and one
// whose roles lack the route's permission (403); only an explicit list of routes is public.
import { beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../../admin/auth/rbac.js';
import { insertTeam } from '../../admin/team.repository.js';
import { newOpaqueId } from '../../core/temporal/task-queues.js';
import { call, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

interface Operation {
  'x-keep-permission'?: Permission;
  'x-keep-scope'?: 'team';
  security?: unknown[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

/** Probes, the document itself and the sign-in machinery: everything else needs a credential. */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json',
  'GET /auth/login',
  'GET /auth/callback',
  'POST /auth/bootstrap',
  'GET /auth/session',
  'POST /auth/logout',
]);

/** A role that lacks the permission everywhere (scim and onboarding each hold one permission only). */
function roleLacking(permission: Permission): Role {
  const role = ROLES.find((r) => !(PERMISSIONS[permission] as readonly Role[]).includes(r));
  if (!role) throw new Error(`every role holds ${permission}`);
  return role;
}

/** `/v1/devices/{id}` with a random id: the guard answers before anything is looked up. */
function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, () => newOpaqueId());
}

describe('admin route guards', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let routes: { method: string; path: string; permission?: Permission; scope?: 'team' }[];
  const tokens = new Map<Role, string>();
  const teamTokens = new Map<Role, string>();

  beforeAll(async () => {
    app = testAdminApp({
      db: database.core.db,
      identity: { oidcIssuer: 'https://login.example.com', oidcClientId: 'keep-admin' },
    });
    const document = (await (await call(app, 'GET', '/openapi.json')).json()) as Document;
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        ...(operation['x-keep-permission'] ? { permission: operation['x-keep-permission'] } : {}),
        ...(operation['x-keep-scope'] ? { scope: operation['x-keep-scope'] } : {}),
      })),
    );
    const team = await insertTeam(database.core.db, 'route-guards');
    for (const role of ROLES) {
      tokens.set(role, await tokenFor(database.core.db, role));
      teamTokens.set(role, await tokenFor(database.core.db, role, { teamId: team!.id }));
    }
  });

  const send = (route: { method: string; path: string }, token?: string) =>
    call(app, route.method, concrete(route.path), {
      ...(token ? { token } : {}),
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }),
    });

  it('names a permission for every route but the explicitly public ones', () => {
    const open = routes.filter((r) => !r.permission).map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it('answers 401 to every protected route without credentials', async () => {
    for (const route of routes.filter((r) => r.permission)) {
      const res = await send(route);
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it('answers 403 to every protected route for a token whose role lacks its permission', async () => {
    for (const route of routes.filter((r) => r.permission)) {
      const role = roleLacking(route.permission!);
      const res = await send(route, tokens.get(role));
      expect(res.status, `${route.method} ${route.path} as ${role}`).toBe(403);
      // SCIM answers in its own error format (RFC 7644 §3.12); either names the missing permission.
      expect(await res.text(), `${route.method} ${route.path}`).toContain(route.permission);
    }
  });

  it('answers 403 to every route that needs its permission everywhere for a role held only in a team', async () => {
    for (const route of routes.filter((r) => r.permission && r.scope !== 'team')) {
      const role = PERMISSIONS[route.permission!][0] as Role;
      const res = await send(route, teamTokens.get(role));
      expect(res.status, `${route.method} ${route.path} as ${role} in a team`).toBe(403);
    }
  });
});
