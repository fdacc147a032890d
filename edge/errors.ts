// The edge's one error handler: typed errors become short 4xx/5xx answers that never leak internals to a device.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isUnavailable, RETRY_AFTER_SECONDS } from '../core/health/unavailable.js';
import type { Logger } from '../core/log/logger.js';
import { edgeMetrics } from './edge-metrics.js';

/**
 * A device request refused for a reason an admin needs to see ("why does this Mac fail?"): logged at info
 * with the reason and an opaque id (an enrollment id or a certificate fingerprint prefix), never a secret.
 */
export class DeviceRefusal extends HTTPException {
  override name = 'DeviceRefusal';
  constructor(
    status: ContentfulStatusCode,
    readonly reason: string,
    readonly subject: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(status, { message, ...(options?.cause === undefined ? {} : { cause: options.cause }) });
  }
}

/** The opaque id logged for a certificate: enough to find it in the core's registry, nothing more. */
export const fingerprintPrefix = (sha256: string) => `sha256:${sha256.slice(0, 16)}`;

/** Whether the device's own connection is gone (read aborted, socket destroyed). */
function clientGone(c: Context): boolean {
  const incoming = (
    c.env as { incoming?: { aborted?: boolean; socket?: { destroyed?: boolean } } } | undefined
  )?.incoming;
  return Boolean(incoming?.aborted || incoming?.socket?.destroyed);
}

export function edgeErrorHandler(log: Logger) {
  return function onEdgeError(err: Error, c: Context): Response {
    if (err instanceof DeviceRefusal) {
      log.info({ reason: err.reason, subject: err.subject, path: c.req.path }, 'device request refused');
      edgeMetrics.refusals.inc({ reason: err.reason });
    }
    if (err instanceof HTTPException) {
      // A 503 (the core did not answer in time) is overload, not failure: the device is told when to retry.
      if (err.status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      return c.text(err.message || 'bad request', err.status);
    }
    // The client closed or was cut off (timeouts, slow clients) while its body was read: not Keep's fault.
    if (clientGone(c)) {
      log.info({ path: c.req.path }, 'client went away mid-request');
      return c.text('request aborted', 400);
    }
    // Postgres or Temporal down or overloaded: the device retries (Apple devices honour Retry-After).
    if (isUnavailable(err)) {
      log.warn({ err: { name: err.name }, path: c.req.path }, 'a dependency is unavailable; answered 503');
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      return c.text('temporarily unavailable; try again later', 503);
    }
    log.error({ err: { name: err.name, message: err.message }, path: c.req.path }, 'unhandled edge error');
    return c.text('internal error', 500);
  };
}
