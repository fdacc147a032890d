// Typed SCEP failures, each carrying the failInfo to answer with (RFC 8894 §3.2.1.4).
import { CmsError } from '../cms/index.js';
import type { FailInfoName, RequestContext } from './message-type.js';

export type ScepErrorCode =
  'malformed' | 'bad-signature' | 'unsupported' | 'too-large' | 'bad-request' | 'mismatch';

const FAIL_INFO: Record<ScepErrorCode, FailInfoName> = {
  malformed: 'badMessageCheck',
  'bad-signature': 'badMessageCheck',
  mismatch: 'badMessageCheck',
  unsupported: 'badAlg',
  'too-large': 'badRequest',
  'bad-request': 'badRequest',
};

export class ScepError extends Error {
  override name = 'ScepError';
  readonly failInfo: FailInfoName;

  /**
   * `context` is set once the outer signature verified: the RA may then answer with a signed
   * CertRep FAILURE; without it the only honest answer is an HTTP 400.
   */
  constructor(
    readonly code: ScepErrorCode,
    message: string,
    options: { cause?: unknown; context?: RequestContext } = {},
  ) {
    super(message, { cause: options.cause });
    this.failInfo = FAIL_INFO[code];
    this.context = options.context;
  }

  readonly context: RequestContext | undefined;
}

/** Wraps a CMS failure as a SCEP one, keeping the cause and any request context. */
export function fromCmsError(error: unknown, what: string, context?: RequestContext): ScepError {
  if (error instanceof ScepError) return error;
  if (error instanceof CmsError) {
    const code = error.code === 'untrusted' ? 'malformed' : error.code;
    return new ScepError(code, `${what}: ${error.message}`, { cause: error, context });
  }
  return new ScepError('malformed', `${what}: unexpected failure`, { cause: error, context });
}
