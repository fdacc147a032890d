// The admin-facing Hono app: REST API and console for administrators (routes grow with each capability).
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { checkHealth, type Probe } from '../core/health/health-report.js';
import type { Logger } from '../core/log/logger.js';

export interface AdminAppDeps {
  log: Logger;
  healthProbes: Record<string, Probe>;
}

export function createAdminApp(deps: AdminAppDeps): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    deps.log.error(
      { err: { name: err.name, message: err.message }, path: c.req.path },
      'unhandled admin error',
    );
    return c.json({ error: 'internal error' }, 500);
  });
  app.get('/healthz', async (c) => {
    const report = await checkHealth(deps.healthProbes);
    return c.json(report.body, report.status);
  });
  return app;
}
