// Whether an error means a dependency (Postgres, Temporal) is down or overloaded right now: the caller should
// be told to come back (503 with Retry-After), not that Keep is broken (500). Overload is not failure.

/** Socket-level failures: the peer is not there or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html) that say "not now": class 08
 * (connection exception), 53 (insufficient resources, e.g. too many connections), 57P01–57P03 (shutdown,
 * crash, cannot connect now), 40001/40P01 (serialization failure, deadlock: the same request may succeed).
 */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    ['57P01', '57P02', '57P03', '40001', '40P01'].includes(code)
  );
}

/** node-postgres reports a pool or client that lost its server only in its message. */
const PG_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection error and is not queryable',
];

/** gRPC status codes Temporal's client surfaces when its service is unreachable or overloaded. */
const GRPC_UNAVAILABLE = new Set([
  4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */,
]);

function isUnavailableHere(error: object): boolean {
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isTransientSqlState(code)))
  )
    return true;
  if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code) && 'details' in error) return true;
  // A wait on Temporal that ran out (admin/temporal-deadline.ts): the same request may succeed later.
  if (name === 'TemporalDeadlineError') return true;
  return typeof message === 'string' && PG_MESSAGES.some((m) => message.includes(m));
}

/** Looks through the `cause` chain (each layer adds context; the root says what failed). */
export function isUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 10; depth++) {
    if (isUnavailableHere(e)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;
