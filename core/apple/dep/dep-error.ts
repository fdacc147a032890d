// The one error type of the Apple Business Manager (DEP) client: a stable code to switch on, plus the cause.

/**
 * Why a DEP call failed. `token-*` and `terms-not-signed` need the admin (a new server token, or
 * accepting Apple's terms in ABM); `throttled` and `unavailable` may be retried later; `cursor-*`
 * are handled inside the client by restarting with a fetch and reach callers only from a fetch.
 */
export type DepErrorCode =
  | 'token-malformed'
  | 'token-expired'
  | 'token-rejected'
  | 'terms-not-signed'
  | 'session-rejected'
  | 'cursor-expired'
  | 'cursor-invalid'
  | 'throttled'
  | 'unavailable'
  | 'bad-request'
  | 'bad-response';

export class DepError extends Error {
  override name = 'DepError';

  constructor(
    readonly code: DepErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      /** HTTP status of Apple's answer, when there was one. */
      status?: number;
      /** Apple's error code from the body (`EXPIRED_CURSOR`, `T_C_NOT_SIGNED`, …); never a secret. */
      appleCode?: string;
      /** When Apple said to come back, for `throttled` and `unavailable`. */
      retryAfterMs?: number;
    },
  ) {
    super(message, options);
    this.status = options?.status;
    this.appleCode = options?.appleCode;
    this.retryAfterMs = options?.retryAfterMs;
  }

  readonly status: number | undefined;
  readonly appleCode: string | undefined;
  readonly retryAfterMs: number | undefined;

  /** Worth trying again later without the admin's help. */
  get retryable(): boolean {
    return this.code === 'throttled' || this.code === 'unavailable';
  }
}
