// The process's Prometheus registry (GET /metrics): Node's own process metrics plus what each plane registers.
// One per process, as Prometheus scrapes a process: counters are cheap enough for the Idle hot path.
import { collectDefaultMetrics, Registry } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'keep_' });

/** The text exposition format of every metric this process registered. */
export async function metricsResponse(): Promise<Response> {
  return new Response(await metricsRegistry.metrics(), {
    headers: { 'content-type': metricsRegistry.contentType },
  });
}
