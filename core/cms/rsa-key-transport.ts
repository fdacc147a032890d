// RSA key transport unwrap (RFC 5652 §6.2.1): PKCS#1 v1.5 natively, checked in constant time, and OAEP.
import { constants, createHmac, privateDecrypt, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Per process: the stand-in keys of RFC 3218 §2.3.2 are unpredictable to a sender, yet stable per ciphertext. */
const REJECTION_SECRET = randomBytes(32);

/**
 * The key a malformed block stands for: deterministic, so a client retrying the same message meets the
 * same failure, and unrelated to anything the sender chose, so content decryption fails as with a wrong key.
 */
function syntheticKey(encryptedKey: Buffer, length: number): Buffer {
  const mac = createHmac('sha512', REJECTION_SECRET).update(encryptedKey).digest();
  return mac.subarray(0, length);
}

/** 0xff when `value` is 0, else 0x00; no branch on the secret byte. */
const zeroMask = (value: number) => (((value | -value) >>> 31) - 1) & 0xff;

/**
 * Decrypts an RSAES-PKCS1-v1_5 encrypted key of `length` bytes with implicit rejection (RFC 3218 §2.3.2):
 * the raw RSA block `00 02 PS 00 M` (PS ≥ 8 non-zero bytes, M of `length` bytes) is checked over every byte
 * with masks, and any defect yields a synthetic key instead of an error, so neither timing nor the failure
 * says which part of the padding was wrong. Node 20 refuses PKCS#1 v1.5 in `privateDecrypt`
 * (CVE-2023-46809), hence RSA_NO_PADDING and this check; OpenSSL still blinds the private operation.
 */
export function unwrapPkcs1v15(key: KeyObject, encryptedKey: Buffer, length: number): Buffer {
  const fallback = syntheticKey(encryptedKey, length);
  let block: Buffer;
  try {
    // Throws only on public facts: a ciphertext of the wrong size or not below the modulus.
    block = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch {
    return fallback;
  }
  const separator = block.length - length - 1;
  if (separator < 10) return fallback; // key and length are public: too short a modulus for this key
  let bad = ~zeroMask(block[0]!) & 0xff; // leading 00
  bad |= ~zeroMask(block[1]! ^ 0x02) & 0xff; // block type 02
  for (let i = 2; i < separator; i++) bad |= zeroMask(block[i]!); // PS has no zero byte
  bad |= ~zeroMask(block[separator]!) & 0xff; // 00 before M
  const keep = ~bad & 0xff;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (block[separator + 1 + i]! & keep) | (fallback[i]! & bad);
  block.fill(0);
  return out;
}

/** RSAES-OAEP (SHA-1, as CMS defaults): OpenSSL's own check; a failure also becomes the synthetic key. */
export function unwrapOaep(key: KeyObject, encryptedKey: Buffer, length: number): Buffer {
  try {
    const unwrapped = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING }, encryptedKey);
    if (unwrapped.length === length) return unwrapped;
  } catch {
    // fall through: the same answer as a wrong length
  }
  return syntheticKey(encryptedKey, length);
}
