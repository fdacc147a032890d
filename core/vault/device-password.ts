// Passwords Keep sets on a device (Recovery Lock, a managed admin): random, long, and easy to read out over the
// phone to someone typing at recoveryOS — no letters that look alike, groups of four.
import { randomInt } from 'node:crypto';

/** 31 symbols, without 0/O and 1/I/L. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Six groups of four: 24 symbols, about 119 bits. */
export function generateDevicePassword(): string {
  return Array.from({ length: 6 }, () =>
    Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  ).join('-');
}
