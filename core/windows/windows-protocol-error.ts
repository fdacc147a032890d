// The one error type for anything a Windows device sends that Keep will not accept.

export type WindowsProtocolErrorCode =
  | 'too-large'
  | 'not-utf8'
  | 'doctype'
  | 'entity'
  | 'too-deep'
  | 'malformed'
  | 'unexpected-message'
  | 'missing-element'
  | 'invalid-value'
  | 'unknown-command';

/**
 * A refused message from a Windows device. `message` names what is wrong (an element path, a limit) and
 * never quotes the device's input back, so it is safe to return in a SOAP fault or a SyncML status.
 */
export class WindowsProtocolError extends Error {
  override readonly name = 'WindowsProtocolError';
  constructor(
    readonly code: WindowsProtocolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
