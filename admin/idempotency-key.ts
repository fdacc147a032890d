// The `Idempotency-Key` request header (draft-ietf-httpapi-idempotency-key-header): a client-chosen key that makes
// a blind retry of a POST safe, and the fingerprint of the request it was first used for.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Visible ASCII, 1–200 characters: room for a UUID or a client's own scheme, nothing that needs escaping. */
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export function readIdempotencyKey(c: Context): string | undefined {
  const key = c.req.header(IDEMPOTENCY_KEY_HEADER);
  if (key === undefined) return undefined;
  // A structured-field string arrives quoted; the key is what is inside the quotes.
  const unquoted = /^"(.*)"$/.exec(key)?.[1] ?? key;
  if (!KEY_PATTERN.test(unquoted))
    throw new HTTPException(400, {
      message: `${IDEMPOTENCY_KEY_HEADER}: must be 1–200 visible ASCII characters`,
    });
  return unquoted;
}

/** Hex SHA-256 of what a request asks for: the same key with another target or body is another request. */
export function requestFingerprint(target: string, body: unknown): string {
  return createHash('sha256')
    .update(target)
    .update('\n')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}
