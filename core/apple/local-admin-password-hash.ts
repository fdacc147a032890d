// The `passwordHash` Apple's AccountConfiguration and SetAutoAdminPassword take: the account's password as a
// salted PBKDF2-SHA512 dictionary (entropy, iterations, a 32-byte salt) under `SALTED-SHA512-PBKDF2`, serialised
// as a property list and sent as data. The Mac stores it as the account's shadow hash, so the password itself
// never travels. https://developer.apple.com/documentation/devicemanagement/passwordhash
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { buildPlist } from './plist-codec.js';

/** Apple asks for 20,000–40,000 when the server cannot time the Mac's own hash. */
export const PASSWORD_HASH_ITERATIONS = 40_000;
/** What macOS keeps for a local account (its ShadowHashData entropy is 128 bytes). */
const ENTROPY_BYTES = 128;
const SALT_BYTES = 32;

export function localAdminPasswordHash(password: string): Uint8Array {
  const salt = randomBytes(SALT_BYTES);
  const entropy = pbkdf2Sync(password, salt, PASSWORD_HASH_ITERATIONS, ENTROPY_BYTES, 'sha512');
  return new Uint8Array(
    Buffer.from(
      buildPlist({
        'SALTED-SHA512-PBKDF2': { entropy, iterations: PASSWORD_HASH_ITERATIONS, salt },
      }),
      'utf8',
    ),
  );
}
