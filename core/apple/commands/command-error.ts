// The one error for a command Keep cannot build.

/** An admin or policy asked for a command Keep cannot send; not retryable. */
export class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
