// What the edge counts for Prometheus: requests, check-ins, refusals, SCEP and push outcomes, and the outbox lag.
// Labels take values from small fixed sets (route patterns, message types, reasons), never an id.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { sql, type Kysely } from 'kysely';
import { Counter, Gauge } from 'prom-client';
import type { EdgeDatabase } from '../core/db/edge-database.js';
import { metricsRegistry } from '../runtime/metrics.js';

const registers = [metricsRegistry];

/** The outbox the gauges read: the edge process's (the last edge composed in this process). */
let outboxDb: Kysely<EdgeDatabase> | undefined;

export const edgeMetrics = {
  httpRequests: new Counter({
    name: 'keep_edge_http_requests_total',
    help: 'Device-facing HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  }),
  checkins: new Counter({
    name: 'keep_edge_checkins_total',
    help: 'Device check-ins decoded, by platform, endpoint and message type (Apple: MessageType, or Status at /mdm/connect).',
    labelNames: ['platform', 'endpoint', 'message_type'] as const,
    registers,
  }),
  refusals: new Counter({
    name: 'keep_edge_refusals_total',
    help: 'Device requests refused, by reason.',
    labelNames: ['reason'] as const,
    registers,
  }),
  scep: new Counter({
    name: 'keep_edge_scep_operations_total',
    help: 'SCEP PKIOperations answered, by message type and pkiStatus (SUCCESS, FAILURE, PENDING).',
    labelNames: ['message_type', 'outcome'] as const,
    registers,
  }),
  pushes: new Counter({
    name: 'keep_edge_pushes_total',
    help: 'Pushes asked for, by outcome (APNs answer, or skipped).',
    labelNames: ['platform', 'outcome'] as const,
    registers,
  }),
  outboxPending: new Gauge({
    name: 'keep_edge_outbox_pending',
    help: 'Device events in the outbox not yet relayed to the core (measured at scrape).',
    registers,
    async collect() {
      if (!outboxDb) return;
      const row = await outboxDb
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('pending'))
        .where('relayed_at', 'is', null)
        .executeTakeFirstOrThrow();
      this.set(Number(row.pending));
    },
  }),
  outboxLag: new Gauge({
    name: 'keep_edge_outbox_lag_seconds',
    help: 'Age of the oldest device event not yet relayed to the core, 0 when none waits (measured at scrape).',
    registers,
    async collect() {
      if (!outboxDb) return;
      const row = await outboxDb
        .selectFrom('outbox')
        .select(sql<number>`coalesce(extract(epoch from now() - min(created_at)), 0)`.as('lag'))
        .where('relayed_at', 'is', null)
        .executeTakeFirstOrThrow();
      this.set(Number(row.lag));
    },
  }),
};

/** Counts every answered request by its route pattern (`*` when no route matched). */
export const countRequests: MiddlewareHandler = async function countRequests(c, next) {
  await next();
  edgeMetrics.httpRequests.inc({ method: c.req.method, route: routePath(c, -1), status: c.res.status });
};

export function watchOutbox(db: Kysely<EdgeDatabase>): void {
  outboxDb = db;
}
