// What the admin API counts for Prometheus: requests by method, route pattern and status.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter } from 'prom-client';
import { metricsRegistry } from '../runtime/metrics.js';

const httpRequests = new Counter({
  name: 'keep_admin_http_requests_total',
  help: 'Admin API requests answered, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

/** Counts every answered request by its route pattern (`*` when no route matched). */
export const countAdminRequests: MiddlewareHandler = async function countAdminRequests(c, next) {
  await next();
  httpRequests.inc({ method: c.req.method, route: routePath(c, -1), status: c.res.status });
};
