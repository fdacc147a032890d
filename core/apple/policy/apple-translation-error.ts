// Keep could not translate a valid policy: a bug or a missing deployment fact, never the admin's document.

export class AppleTranslationError extends Error {
  override readonly name = 'AppleTranslationError';
  constructor(
    message: string,
    /** What failed Apple's schema, e.g. `profile com.example.keep.policy.base.firewall: PayloadContent[0].EnableFirewall`. */
    readonly key?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
