// The device-facing Hono app: each platform's routes and SCEP mounted at the root, and the edge's health check.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Client } from '@temporalio/client';
import {
  checkHealth,
  checkReadiness,
  type Probe,
  type ReadinessProbes,
} from '../core/health/health-report.js';
import type { Logger } from '../core/log/logger.js';
import { metricsResponse } from '../runtime/metrics.js';
import { countRequests } from './edge-metrics.js';
import { edgeErrorHandler } from './errors.js';
import { probeRoutes } from './probe.routes.js';
import { scepRoutes, type ScepDeps } from './scep/scep.routes.js';
import { createScepSigner } from './scep/scep-signer.js';
import { acmeRoutes, type AcmeDeps } from './acme/acme.routes.js';

export interface EdgeAppDeps {
  log: Logger;
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  probeEnabled: boolean;
  /** Serve GET /metrics here (`edge.metricsEnabled`). */
  metricsEnabled?: boolean;
  healthProbes: Record<string, Probe>;
  /** GET /readyz; absent in tests that exercise only the routes. */
  readinessProbes?: ReadinessProbes;
  /** The request body cap in bytes (`edge.maxBodyBytes`); a platform may set a tighter one on its paths. */
  maxBodyBytes: number;
  /** Each platform's routes (EdgePlatform); absent in tests that exercise only the plane check. */
  platformRoutes?: readonly Hono[];
  scep?: ScepDeps;
  /** ACME for attested device identities; it signs through SCEP's batched signer, so it needs `scep`. */
  acme?: Omit<AcmeDeps, 'signer'>;
}

export function createEdgeApp(deps: EdgeAppDeps): Hono {
  const app = new Hono();
  app.onError(edgeErrorHandler(deps.log));
  app.use('*', countRequests);
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: (c) => c.text('request body too large', 413),
    }),
  );
  app.get('/healthz', async (c) => {
    const report = await checkHealth(deps.healthProbes);
    return c.json(report.body, report.status);
  });
  app.get('/readyz', async (c) => {
    const report = await checkReadiness(deps.readinessProbes ?? { required: deps.healthProbes });
    return c.json(report.body, report.status);
  });
  if (deps.metricsEnabled) app.get('/metrics', () => metricsResponse());
  if (deps.probeEnabled) app.route('/', probeRoutes(deps));
  for (const routes of deps.platformRoutes ?? []) app.route('/', routes);
  if (deps.scep) {
    // One batched signer per edge: SCEP and ACME requests share its batches and its Updates in flight.
    const signer = createScepSigner({
      temporal: deps.scep.temporal,
      coreTaskQueue: deps.scep.coreTaskQueue,
      edgeTaskQueue: deps.scep.edgeTaskQueue,
      batch: deps.scep.batch,
    });
    app.route('/', scepRoutes(deps.scep, signer));
    if (deps.acme) app.route('/', acmeRoutes({ ...deps.acme, signer }));
  }
  return app;
}
