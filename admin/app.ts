// The admin-facing Hono app: the REST API for administrators (routes grow with each capability).
import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import {
  checkHealth,
  checkReadiness,
  type Probe,
  type ReadinessProbes,
} from '../core/health/health-report.js';
import { isUnavailable, RETRY_AFTER_SECONDS } from '../core/health/unavailable.js';
import type { Logger } from '../core/log/logger.js';
import { metricsResponse } from '../runtime/metrics.js';
import { countAdminRequests } from './admin-metrics.js';
import { apiTokenRoutes } from './api-token.routes.js';
import { auditRoutes } from './audit.routes.js';
import { authenticate } from './auth/authenticate.js';
import { identitySettings, type IdentitySettings } from './auth/identity.js';
import { secretRevealRoutes, type SecretRevealSettings } from './secret-reveal.routes.js';
import { deviceSecretRoutes } from './device-secret.routes.js';
import { bitLockerUnmatchedRoutes } from './bitlocker-unmatched.routes.js';
import { secretRevealListRoutes } from './secret-reveal-list.routes.js';
import { oidcRoutes } from './auth/oidc.routes.js';
import { bootstrapSignInRoutes } from './auth/bootstrap-sign-in.routes.js';
import { sessionRoutes } from './auth/session.routes.js';
import { consoleAssets } from './console/console-assets.js';
import { parseRoleMapping } from './auth/role-mapping.js';
import { bootstrapTokenRoutes } from './bootstrap-token.routes.js';
import { roleGrantRoutes } from './role-grant.routes.js';
import { teamRoutes } from './team.routes.js';
import { labelRoutes } from './label.routes.js';
import type { AdminEnv } from './auth/principal.js';
import { deviceCommandRoutes } from './device-command.routes.js';
import { bulkCommandRoutes } from './bulk-command.routes.js';
import { deviceRoutes } from './device.routes.js';
import { fleetSummaryRoutes } from './fleet-summary.routes.js';
import { identityStatusRoutes } from './identity-status.routes.js';
import { defineRoute, mountRoutes } from './define-route.js';
import { openApiDocument, type RouteDoc } from './openapi.js';
import type { AdminPlatform } from './platform.js';
import { adminPlatforms } from './platforms.js';
import { pkiRoutes } from './pki.routes.js';
import { caRolloverRoutes } from './ca-rollover.routes.js';
import { certificateLifecycleRoutes } from './certificate-lifecycle.routes.js';
import { securityHeaders } from './security-headers.js';
import { scimDocs, scimRoutes } from './scim/scim.routes.js';
import { policyRoutes } from './policy/policy.routes.js';
import { policyAssignmentRoutes } from './policy/policy-assignment.routes.js';
import { policyComplianceRoutes } from './policy/policy-compliance.routes.js';
import { rolloutRoutes } from './rollout/rollout.routes.js';

export interface AdminAppDeps {
  log: Logger;
  healthProbes: Record<string, Probe>;
  /** GET /readyz (default: the health probes, all required). */
  readinessProbes?: ReadinessProbes;
  db: Kysely<CoreDatabase>;
  temporal: Client;
  /** Hex SHA-256 of the bootstrap admin token (KEEP_ADMIN_BOOTSTRAP_TOKEN_HASH). */
  bootstrapTokenHash?: string | undefined;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  /** How long a route waits on Temporal before answering 503 (default 5 s). */
  temporalTimeoutMs?: number;
  now?: () => Date;
  maxBodyBytes?: number;
  /** The process serves HTTPS itself (admin.tlsCertFile), so answers carry HSTS. */
  tls?: boolean;
  /** Sign-in, sessions and token limits (the admin.* settings); absent ones take the schema's defaults. */
  identity?: Partial<IdentitySettings>;
  /** Secret reveal: second approver and window (default: the admin settings' defaults). */
  secretReveal?: SecretRevealSettings;
  /** Default: the registry (admin/platforms.ts). */
  platforms?: readonly AdminPlatform[];
  /** The built console; default dist/console. */
  consoleDir?: string;
}

const healthDoc: RouteDoc = {
  method: 'get',
  path: '/healthz',
  summary: 'Whether Postgres and Temporal are reachable (503 naming what is down).',
  responses: {
    200: { description: 'Everything is reachable.' },
    503: { description: 'Something is down.' },
  },
};

const readyDoc: RouteDoc = {
  method: 'get',
  path: '/readyz',
  summary:
    'Readiness: Postgres (required), Temporal and a core worker polling the core task queue (shown; "degraded" when down).',
  responses: {
    200: { description: 'Ready, or degraded (the body names what is down).' },
    503: { description: 'A required dependency is down.' },
  },
};

const metricsDoc: RouteDoc = {
  method: 'get',
  path: '/metrics',
  summary: "This process's metrics in Prometheus text format (requests by route and status, Node's own).",
  responses: { 200: { description: 'The Prometheus text exposition format.' } },
};

const openApiDoc: RouteDoc = {
  method: 'get',
  path: '/openapi.json',
  summary: 'This document.',
  responses: {
    200: { description: 'The OpenAPI 3.1 document.', schema: z.record(z.string(), z.unknown()) },
  },
};

export function createAdminApp(deps: AdminAppDeps): Hono<AdminEnv> {
  const timeoutMs = deps.temporalTimeoutMs ?? 5_000;
  const now = deps.now ?? (() => new Date());
  const identity = identitySettings(deps.identity);
  const platforms = deps.platforms ?? adminPlatforms();
  const app = new Hono<AdminEnv>();
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    // Postgres or Temporal down or overloaded: say when to come back instead of failing (nothing was done).
    if (isUnavailable(err)) {
      deps.log.warn(
        { err: { name: err.name }, path: c.req.path },
        'a dependency is unavailable; answered 503',
      );
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      return c.json({ error: 'temporarily unavailable (database or Temporal); try again later' }, 503);
    }
    deps.log.error(
      { err: { name: err.name, message: err.message }, path: c.req.path },
      'unhandled admin error',
    );
    return c.json({ error: 'internal error' }, 500);
  });
  app.use('*', countAdminRequests);
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.use('*', securityHeaders({ tls: deps.tls ?? false }));
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? 4 * 1024 * 1024,
      onError: (c) => c.json({ error: 'body: larger than the limit' }, 413),
    }),
  );
  const publicOrigin = new URL(identity.publicUrl).origin;
  const cookies = { secure: new URL(identity.publicUrl).protocol === 'https:' };
  const authn = authenticate({
    db: deps.db,
    bootstrapTokenHash: deps.bootstrapTokenHash,
    bootstrapTokenEnabled: identity.bootstrapTokenEnabled,
    publicOrigin,
    sessionIdleMs: identity.sessionIdleMinutes * 60_000,
    now,
  });
  const health = defineRoute(healthDoc, async (c) => {
    const report = await checkHealth(deps.healthProbes);
    return c.json(report.body, report.status);
  });
  const ready = defineRoute(readyDoc, async (c) => {
    const report = await checkReadiness(deps.readinessProbes ?? { required: deps.healthProbes });
    return c.json(report.body, report.status);
  });
  const metrics = defineRoute(metricsDoc, () => metricsResponse());
  const oidc =
    identity.oidcIssuer && identity.oidcClientId
      ? oidcRoutes({
          db: deps.db,
          log: deps.log,
          issuer: identity.oidcIssuer,
          clientId: identity.oidcClientId,
          clientSecret: identity.oidcClientSecret,
          scopes: identity.oidcScopes,
          roleClaim: identity.oidcRoleClaim,
          roleMapping: parseRoleMapping(identity.oidcRoleMapping),
          publicUrl: identity.publicUrl,
          sessionMaxMs: identity.sessionMaxHours * 3_600_000,
          sessionIdleMs: identity.sessionIdleMinutes * 60_000,
          now,
        })
      : [];
  const signIn = [
    ...oidc,
    ...bootstrapSignInRoutes({
      db: deps.db,
      bootstrapTokenHash: deps.bootstrapTokenHash,
      bootstrapTokenEnabled: identity.bootstrapTokenEnabled,
      publicOrigin,
      cookies,
      sessionMaxMs: identity.sessionMaxHours * 3_600_000,
      now,
    }),
    ...sessionRoutes({ db: deps.db, cookies, sessionIdleMs: identity.sessionIdleMinutes * 60_000, now }),
  ];
  const api = [
    ...deviceRoutes(deps),
    ...deviceCommandRoutes({
      db: deps.db,
      temporal: deps.temporal,
      commandTimeoutMs: timeoutMs,
      platforms,
      coreTaskQueue: deps.coreTaskQueue,
      edgeTaskQueue: deps.edgeTaskQueue,
    }),
    ...bulkCommandRoutes({
      db: deps.db,
      temporal: deps.temporal,
      coreTaskQueue: deps.coreTaskQueue,
      edgeTaskQueue: deps.edgeTaskQueue,
      timeoutMs,
      platforms,
    }),
    ...platforms.flatMap(
      (platform) =>
        platform.routes?.({
          db: deps.db,
          temporal: deps.temporal,
          coreTaskQueue: deps.coreTaskQueue,
          edgeTaskQueue: deps.edgeTaskQueue,
          timeoutMs,
          now,
        }) ?? [],
    ),
    ...pkiRoutes({
      db: deps.db,
      temporal: deps.temporal,
      coreTaskQueue: deps.coreTaskQueue,
      timeoutMs: Math.max(timeoutMs, 30_000),
    }),
    ...apiTokenRoutes({ db: deps.db, tokenMaxDays: identity.tokenMaxDays, now }),
    ...auditRoutes(deps),
    ...teamRoutes(deps),
    ...labelRoutes(deps),
    ...roleGrantRoutes(deps),
    ...bootstrapTokenRoutes({ db: deps.db, now }),
    ...policyRoutes({ db: deps.db, temporal: deps.temporal, coreTaskQueue: deps.coreTaskQueue, timeoutMs }),
    ...policyAssignmentRoutes({
      db: deps.db,
      temporal: deps.temporal,
      coreTaskQueue: deps.coreTaskQueue,
      timeoutMs,
    }),
    ...policyComplianceRoutes(deps),
    ...rolloutRoutes({ db: deps.db, temporal: deps.temporal, coreTaskQueue: deps.coreTaskQueue, timeoutMs }),
    ...caRolloverRoutes({
      db: deps.db,
      temporal: deps.temporal,
      coreTaskQueue: deps.coreTaskQueue,
      timeoutMs,
    }),
    ...fleetSummaryRoutes({ db: deps.db, now }),
    ...identityStatusRoutes({ db: deps.db, identity }),
    ...secretRevealRoutes({
      db: deps.db,
      temporal: deps.temporal,
      coreTaskQueue: deps.coreTaskQueue,
      edgeTaskQueue: deps.edgeTaskQueue,
      timeoutMs,
      now,
      settings: deps.secretReveal ?? { approvalRequired: false, minutes: 15 },
    }),
    ...deviceSecretRoutes(deps),
    ...secretRevealListRoutes({ db: deps.db, now }),
    ...certificateLifecycleRoutes({ db: deps.db, now }),
    ...bitLockerUnmatchedRoutes(deps),
  ];
  // The document lists exactly the routes mounted below (SCIM keeps its own declarations, in its own format).
  const document = openApiDocument([
    ...[health, ready, metrics, ...signIn, ...api].map((route) => route.doc),
    openApiDoc,
    ...scimDocs,
  ]);
  app.route('/', mountRoutes([health, ready, metrics, defineRoute(openApiDoc, (c) => c.json(document))]));
  app.use('/auth/logout', authn);
  app.route('/', mountRoutes(signIn));
  app.route('/', consoleAssets(deps.consoleDir));
  app.route('/', scimRoutes({ db: deps.db, log: deps.log, authenticate: authn }));
  app.use('/v1/*', authn);
  app.route('/', mountRoutes(api));
  return app;
}
