// SCEP challenge passwords (RFC 8894 §2.3): single-use, time-limited, purpose-tagged and bound.
import { createHmac, randomBytes } from 'node:crypto';

/** `identity-renewal`: handed to an enrolled device to replace its identity; the certificate renews the current one. */
export type ChallengePurpose = 'device-identity' | 'identity-renewal' | 'user-identity' | 'wifi' | 'vpn';

/** What the challenge was handed out for: a pending enrollment, or an already enrolled device renewing. */
export interface ChallengeBinding {
  kind: 'enrollment' | 'device';
  id: string;
}

/** The sealed-box context of a challenge on its way to the admin who asked for it (never in clear in Temporal). */
export const challengeReplyContext = (boundTo: ChallengeBinding) =>
  `scep-challenge:${boundTo.kind}:${boundTo.id}`;

/** As stored: only the hash of the challenge, never the challenge itself. */
export interface ChallengeRecord {
  hash: string;
  purpose: ChallengePurpose;
  boundTo: ChallengeBinding;
  expiresAt: Date;
  usedAt: Date | null;
}

export type ChallengeRejection = 'unknown' | 'expired' | 'used' | 'wrong-purpose' | 'foreign';
export type ChallengeCheck = { ok: true } | { ok: false; reason: ChallengeRejection };

const CHALLENGE_BYTES = 32;
/** Apple's SCEP payload and most clients carry the challenge as a string; 43 base64url characters fit all. */
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh challenge to hand to the device once; store only `hashChallenge` of it. */
export function generateChallenge(): string {
  return randomBytes(CHALLENGE_BYTES).toString('base64url');
}

/**
 * HMAC-SHA-256 with a server-side pepper: a leaked table cannot be checked against guesses
 * without the pepper, and the lookup stays a primary-key match (no salt to search by).
 */
export function hashChallenge(challenge: string, pepper: Uint8Array): string {
  if (pepper.byteLength < 32) throw new RangeError('the challenge pepper must be at least 32 bytes');
  return createHmac('sha256', pepper).update(challenge, 'utf8').digest('hex');
}

/** Cheap shape test before any lookup, so garbage from the network never reaches the database. */
export function isWellFormedChallenge(challenge: string): boolean {
  return CHALLENGE_PATTERN.test(challenge);
}

/**
 * The order matters to what a caller may learn: an unknown or foreign challenge says nothing
 * about its age or use, so a device probing someone else's challenge learns only "foreign".
 */
export function checkChallenge(
  record: ChallengeRecord | undefined,
  expected: { purpose: ChallengePurpose; boundTo: ChallengeBinding; now: Date },
): ChallengeCheck {
  if (!record) return { ok: false, reason: 'unknown' };
  if (record.boundTo.kind !== expected.boundTo.kind || record.boundTo.id !== expected.boundTo.id)
    return { ok: false, reason: 'foreign' };
  if (record.purpose !== expected.purpose) return { ok: false, reason: 'wrong-purpose' };
  if (record.usedAt) return { ok: false, reason: 'used' };
  if (record.expiresAt.getTime() <= expected.now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true };
}
