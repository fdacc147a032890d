// The device-facing Hono app: one sub-app per protocol, mounted here, and the edge's health check.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Client } from '@temporalio/client';
import { EDGE_BODY_LIMITS } from '../core/config/config.schema.js';
import { checkHealth, type Probe } from '../core/health/health-report.js';
import type { Logger } from '../core/log/logger.js';
import { edgeErrorHandler } from './errors.js';
import { probeRoutes } from './probe.routes.js';
import { appleRoutes, type AppleRoutesDeps } from './apple/index.js';
import { scepRoutes, type ScepDeps } from './scep/scep.routes.js';

export interface EdgeAppDeps {
  log: Logger;
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  probeEnabled: boolean;
  healthProbes: Record<string, Probe>;
  /** Request body caps in bytes (`edge.maxBodyBytes`, `edge.maxCheckinBodyBytes`); SCEP sets its own. */
  bodyLimits?: { default: number; checkin: number };
  /** Absent in tests that exercise only the plane check. */
  apple?: AppleRoutesDeps;
  scep?: ScepDeps;
}

export function createEdgeApp(deps: EdgeAppDeps): Hono {
  const app = new Hono();
  app.onError(edgeErrorHandler(deps.log));
  const limit = (maxSize: number) =>
    bodyLimit({ maxSize, onError: (c) => c.text('request body too large', 413) });
  // Command results can be large; a check-in is small, so it gets a tighter cap before anything reads it.
  app.use('*', limit((deps.bodyLimits ?? EDGE_BODY_LIMITS).default));
  app.use('/mdm/checkin', limit((deps.bodyLimits ?? EDGE_BODY_LIMITS).checkin));
  app.get('/healthz', async (c) => {
    const report = await checkHealth(deps.healthProbes);
    return c.json(report.body, report.status);
  });
  if (deps.probeEnabled) app.route('/', probeRoutes(deps));
  if (deps.apple) app.route('/', appleRoutes(deps.apple));
  if (deps.scep) app.route('/', scepRoutes(deps.scep));
  return app;
}
