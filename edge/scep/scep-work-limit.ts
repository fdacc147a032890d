// Bounds unauthenticated SCEP PKIOperation work per remote address and in total, so a flood of
// expensive requests from one peer is turned away (503, Retry-After) instead of queueing ahead of devices.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { createConcurrencyLimit, type ConcurrencyLimit } from '../../core/concurrency/concurrency-limit.js';
import type { Logger } from '../../core/log/logger.js';

export interface ScepWorkLimitOptions {
  /** `edge.scepMaxConcurrentPerPeer`. */
  perPeer: number;
  /** `edge.scepMaxConcurrent`. */
  total: number;
}

/** SCEP clients poll and retry; a few seconds spreads a burst without delaying a real enrolment much. */
const RETRY_AFTER_SECONDS = 5;

/** The socket's peer; undefined when the app is called without a server (`app.request()` in tests). */
export function peerOf(c: Context): string {
  const env = c.env as { incoming?: unknown } | undefined;
  return (env?.incoming ? getConnInfo(c).remote.address : undefined) ?? 'unknown';
}

export function scepWorkLimit(options: ScepWorkLimitOptions, log: Logger): MiddlewareHandler {
  const total = createConcurrencyLimit(options.total);
  const peers = new Map<string, ConcurrencyLimit>();

  return async function limitScepWork(c, next) {
    if (c.req.query('operation') !== 'PKIOperation') return next();
    // The body is read first (under the body cap and the request timeout), so a slow sender holds a
    // socket, not one of the slots that decryption and signing need. Hono keeps it for the handler.
    if (c.req.method === 'POST') await c.req.arrayBuffer();
    const peer = peerOf(c);
    const peerLimit = peers.get(peer) ?? createConcurrencyLimit(options.perPeer);
    peers.set(peer, peerLimit);
    const releasePeer = peerLimit.tryAcquire();
    const releaseTotal = releasePeer && total.tryAcquire();
    const forget = () => {
      if (peerLimit.active === 0) peers.delete(peer);
    };
    if (!releasePeer || !releaseTotal) {
      releasePeer?.();
      forget();
      log.info(
        { reason: releasePeer ? 'edge-wide SCEP limit' : 'per-peer SCEP limit', status: 503 },
        'SCEP request refused',
      );
      return c.text('SCEP is busy, retry later', 503, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
    try {
      await next();
    } finally {
      releaseTotal();
      releasePeer();
      forget();
    }
  };
}
