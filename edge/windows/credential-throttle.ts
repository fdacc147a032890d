// Slows password guessing at the edge, before the core binds to the directory: a name or a peer that failed
// too often in a window is refused without asking. Kept well below AD's usual lockout thresholds, so a guesser
// is stopped here and never locks the real user out of their account. Per edge replica, in memory.
import { createHash } from 'node:crypto';

export interface CredentialThrottleOptions {
  /** Failures allowed per user name, and per peer, within `windowMs`. */
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}

export interface CredentialThrottle {
  allowed(username: string, peer: string): boolean;
  failed(username: string, peer: string): void;
  succeeded(username: string): void;
}

export function createCredentialThrottle(options: CredentialThrottleOptions): CredentialThrottle {
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();
  // Names are hashed: the map never holds a user name in clear (a heap dump or a debugger shows digests).
  const userKey = (username: string) =>
    `user:${createHash('sha256').update(username.toLowerCase()).digest('base64url')}`;
  const peerKey = (peer: string) => `peer:${peer}`;
  const recent = (key: string) => {
    const cutoff = now() - options.windowMs;
    const kept = (failures.get(key) ?? []).filter((at) => at > cutoff);
    if (kept.length) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  };
  return {
    allowed: (username, peer) =>
      recent(userKey(username)).length < options.maxFailures &&
      recent(peerKey(peer)).length < options.maxFailures * 4,
    failed(username, peer) {
      for (const key of [userKey(username), peerKey(peer)]) failures.set(key, [...recent(key), now()]);
    },
    succeeded(username) {
      failures.delete(userKey(username));
    },
  };
}
