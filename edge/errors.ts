// The edge's one error handler: typed errors become short 4xx/5xx answers that never leak internals to a device.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../core/log/logger.js';

export function edgeErrorHandler(log: Logger) {
  return function onEdgeError(err: Error, c: Context): Response {
    if (err instanceof HTTPException) return c.text(err.message || 'bad request', err.status);
    // The client closed or was cut off (timeouts, slow clients) while its body was read: not Keep's fault.
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') {
      log.info({ path: c.req.path }, 'client went away mid-request');
      return c.text('request aborted', 400);
    }
    log.error({ err: { name: err.name, message: err.message }, path: c.req.path }, 'unhandled edge error');
    return c.text('internal error', 500);
  };
}
