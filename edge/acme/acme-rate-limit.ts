// Per client address limit on what costs the edge without proving anything: new nonces (each one a database row
// until used or expired) and ACME requests that failed their checks (a bad JWS, a replayed nonce). Fixed one-minute
// windows, in memory per edge replica; the address table is bounded, the oldest window dropped first.

export interface AcmeRateLimitOptions {
  /** Nonces plus failed requests one address may cost per window. */
  perWindow: number;
  windowMs: number;
  /** Addresses remembered at once; beyond it the oldest window is forgotten (that address starts afresh). */
  maxAddresses: number;
  now?: () => number;
}

export interface AcmeRateLimit {
  /** Counts one event for `address`; the seconds to wait when it is over the limit, else undefined. */
  charge(address: string): number | undefined;
  /** The seconds to wait when `address` is already over the limit, without counting. */
  blocked(address: string): number | undefined;
  readonly size: number;
}

export function createAcmeRateLimit(options: AcmeRateLimitOptions): AcmeRateLimit {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { startedAt: number; count: number }>();

  function windowOf(address: string) {
    const at = now();
    let window = windows.get(address);
    if (!window || at - window.startedAt >= options.windowMs) {
      windows.delete(address);
      window = { startedAt: at, count: 0 };
      windows.set(address, window);
      if (windows.size > options.maxAddresses) windows.delete(windows.keys().next().value!);
    }
    return window;
  }

  const wait = (window: { startedAt: number }) =>
    Math.max(1, Math.ceil((window.startedAt + options.windowMs - now()) / 1000));

  return {
    charge(address) {
      const window = windowOf(address);
      window.count += 1;
      return window.count > options.perWindow ? wait(window) : undefined;
    },
    blocked(address) {
      const window = windowOf(address);
      return window.count >= options.perWindow ? wait(window) : undefined;
    },
    get size() {
      return windows.size;
    },
  };
}
