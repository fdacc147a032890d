// What a failed DEP answer means for the client: a table from HTTP status and Apple's error code to an action.
// https://developer.apple.com/documentation/devicemanagement/device-assignment (each endpoint's errors)

export type DepFailure =
  /** The session is gone: authenticate again (once per call) and repeat the request. */
  | { kind: 'renew-session' }
  /** Come back later; `afterMs` is Apple's Retry-After when it gave one. */
  | { kind: 'retry'; afterMs: number | undefined; status: number }
  | { kind: 'cursor-expired' }
  | { kind: 'cursor-invalid' }
  | { kind: 'terms-not-signed' }
  | { kind: 'fail'; status: number };

/**
 * `403 FORBIDDEN` is how an unknown session answers (other 403s, such as T_C_NOT_SIGNED, are not
 * cured by a new session, so only this body renews). Cursor codes come with 400.
 */
export function classifyFailure(
  status: number,
  appleCode: string | undefined,
  retryAfter: string | null,
  now: Date,
): DepFailure {
  if (status === 401) return { kind: 'renew-session' };
  if (status === 403 && appleCode === 'FORBIDDEN') return { kind: 'renew-session' };
  if (status === 403 && appleCode === 'T_C_NOT_SIGNED') return { kind: 'terms-not-signed' };
  if (status === 429 || status === 503)
    return { kind: 'retry', afterMs: parseRetryAfter(retryAfter, now), status };
  if (status === 400 && appleCode === 'EXPIRED_CURSOR') return { kind: 'cursor-expired' };
  if (status === 400 && appleCode === 'INVALID_CURSOR') return { kind: 'cursor-invalid' };
  return { kind: 'fail', status };
}

/**
 * Apple's error bodies are a bare code (`EXPIRED_CURSOR`), sometimes JSON-quoted or inside an
 * object's `error`/`code`; returns the code only if it looks like one, so no other text is kept.
 */
export function appleErrorCode(body: string): string | undefined {
  let text = body.trim();
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'string') text = json;
    else if (json && typeof json === 'object') {
      const record = json as Record<string, unknown>;
      const code = record['code'] ?? record['error'] ?? record['error_code'];
      if (typeof code === 'string') text = code;
    }
  } catch {
    // not JSON: a bare code
  }
  return /^[A-Za-z_]{1,64}$/.test(text) ? text : undefined;
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
