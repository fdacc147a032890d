// The local admin account a simulated Mac's Setup Assistant creates from AccountConfiguration, as macOS keeps it:
// a GUID and the shadow hash from `passwordHash`. The simulator reads the hash the way a Mac would (a
// `SALTED-SHA512-PBKDF2` dictionary of entropy, iterations and a 32-byte salt) and checks a password against it
// with its own PBKDF2, so a test proves the server's format, not just a round trip through Keep's builder.
import { pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { isPlistDict, parsePlistDict } from '../../../core/apple/plist-codec.js';

export interface ShadowHash {
  entropy: Buffer;
  iterations: number;
  salt: Buffer;
}

export interface LocalAdminAccount {
  guid: string;
  shortName: string;
  hidden: boolean;
  hash: ShadowHash;
}

/** The shadow hash in a command's `passwordHash`, or why a Mac would refuse it. */
export function readPasswordHash(data: unknown): ShadowHash | string {
  if (!(data instanceof Uint8Array)) return 'passwordHash must be data';
  let outer;
  try {
    outer = parsePlistDict(data);
  } catch {
    return 'passwordHash is not a property list';
  }
  const inner = outer['SALTED-SHA512-PBKDF2'];
  if (!isPlistDict(inner)) return 'passwordHash has no SALTED-SHA512-PBKDF2 dictionary';
  const { entropy, iterations, salt } = inner;
  if (!(entropy instanceof Uint8Array) || entropy.byteLength === 0) return 'entropy must be data';
  if (!(salt instanceof Uint8Array) || salt.byteLength !== 32) return 'salt must be 32 bytes of data';
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 1)
    return 'iterations must be a positive integer';
  return { entropy: Buffer.from(entropy), iterations, salt: Buffer.from(salt) };
}

/** What the login window does: derive from the typed password with the stored salt and compare. */
export function passwordOpens(hash: ShadowHash, password: string): boolean {
  const derived = pbkdf2Sync(password, hash.salt, hash.iterations, hash.entropy.byteLength, 'sha512');
  return timingSafeEqual(derived, hash.entropy);
}
