// The one error type of the CMS layer: a stable code callers map to a response, plus the cause.

/** Why a CMS structure was refused; stable strings so callers can switch on them. */
export type CmsErrorCode = 'malformed' | 'bad-signature' | 'untrusted' | 'unsupported' | 'too-large';

export class CmsError extends Error {
  override name = 'CmsError';

  constructor(
    readonly code: CmsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
