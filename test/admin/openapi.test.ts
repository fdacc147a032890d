import { beforeAll, describe, expect, it } from 'vitest';
import { call, testAdminApp, type AdminApp } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
}

/** The app's routes but middleware and the console's static files (GET /console/*: pages, not API routes). */
function apiRoutes(app: AdminApp) {
  return app.routes.filter((r) => r.method !== 'ALL' && !r.path.startsWith('/console'));
}

describe('GET /openapi.json', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let document: Document;

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
    const res = await call(app, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    document = (await res.json()) as Document;
  });

  it('is an OpenAPI 3.1 document', () => {
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('describes every route the app registers, with its responses', () => {
    const routes = apiRoutes(app);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(operation!.responses).length).toBeGreaterThan(0);
    }
  });

  it('documents exactly the routes it mounts: every route has a doc and every doc a route', async () => {
    const withOidc = testAdminApp({
      db: database.core.db,
      identity: { oidcIssuer: 'https://login.example.com', oidcClientId: 'keep-admin' },
    });
    for (const admin of [app, withOidc]) {
      const paths = ((await (await call(admin, 'GET', '/openapi.json')).json()) as Document).paths;
      const documented = Object.entries(paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const mounted = apiRoutes(admin).map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
      expect(new Set(mounted)).toEqual(new Set(documented));
    }
  });

  it('describes the sign-in routes when OIDC is configured', async () => {
    const withOidc = testAdminApp({
      db: database.core.db,
      identity: { oidcIssuer: 'https://login.example.com', oidcClientId: 'keep-admin' },
    });
    const paths = ((await (await call(withOidc, 'GET', '/openapi.json')).json()) as Document).paths;
    for (const route of apiRoutes(withOidc)) {
      expect(paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')], route.path).toBeDefined();
    }
    expect(paths['/auth/callback']).toBeDefined();
  });

  it('describes request bodies and the 401/403 answers of protected routes', () => {
    const send = document.paths['/v1/devices/{id}/commands']!.post!;
    expect(JSON.stringify(send.requestBody)).toContain('requestType');
    expect(JSON.stringify(send.requestBody)).toContain('plist');
    expect(send.responses).toHaveProperty('401');
    expect(send.responses).toHaveProperty('403');
    expect(send.responses).toHaveProperty('202');
  });
});
