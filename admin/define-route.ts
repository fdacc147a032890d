// An admin route declared once: method, path, permission and OpenAPI description beside the handler they describe.
// The app mounts these declarations and builds /openapi.json from the same list, so the two cannot drift.
import { Hono, type Handler } from 'hono';
import type { AdminEnv } from './auth/principal.js';
import { requirePermission } from './auth/rbac.js';
import type { RouteDoc } from './openapi.js';

/** `/v1/devices/{id}` → `/v1/devices/:id`: Hono's form of an OpenAPI path, so a handler's params are typed. */
type HonoPath<P extends string> = P extends `${infer Head}{${infer Name}}${infer Tail}`
  ? `${Head}:${Name}${HonoPath<Tail>}`
  : P;

export interface AdminRoute {
  doc: RouteDoc;
  handler: Handler<AdminEnv>;
}

export function defineRoute<const P extends string>(
  doc: RouteDoc & { path: P },
  handler: Handler<AdminEnv, HonoPath<P>>,
): AdminRoute {
  return { doc, handler: handler as Handler<AdminEnv> };
}

/** Each route behind its permission (`requirePermission(permission, scope)`); public ones as they are. */
export function mountRoutes(routes: readonly AdminRoute[]): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  for (const { doc, handler } of routes) {
    const path = doc.path.replace(/\{([^}]+)\}/g, ':$1');
    const method = doc.method.toUpperCase();
    if (doc.permission) app.on(method, path, requirePermission(doc.permission, doc.scope), handler);
    else app.on(method, path, handler);
  }
  return app;
}
