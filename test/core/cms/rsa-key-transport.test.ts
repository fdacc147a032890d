import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unwrapOaep, unwrapPkcs1v15 } from '../../../core/cms/rsa-key-transport.js';

const keys = {
  2048: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  3072: generateKeyPairSync('rsa', { modulusLength: 3072 }),
};

/** A raw RSA block `00 02 PS 00 M` encrypted without padding, so a test can get each part wrong. */
function rawBlock(publicKey: KeyObject, edit: (block: Buffer) => void, contentKey: Buffer): Buffer {
  const size = (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const block = Buffer.alloc(size);
  block[1] = 0x02;
  for (let i = 2; i < size - contentKey.length - 1; i++) block[i] = 1 + (randomBytes(1)[0]! % 255);
  contentKey.copy(block, size - contentKey.length);
  edit(block);
  return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, block);
}

describe('unwrapPkcs1v15', () => {
  for (const bits of [2048, 3072] as const) {
    it(`decrypts what publicEncrypt wrapped with PKCS#1 v1.5 (RSA-${bits})`, () => {
      const { publicKey, privateKey } = keys[bits];
      for (const length of [16, 24, 32]) {
        const contentKey = randomBytes(length);
        const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, contentKey);
        expect(unwrapPkcs1v15(privateKey, wrapped, length)).toEqual(contentKey);
      }
    });
  }

  it('answers every padding defect with a stable stand-in key of the right length, never an error', () => {
    const { publicKey, privateKey } = keys[2048];
    const contentKey = randomBytes(32);
    const defects: Record<string, (block: Buffer) => void> = {
      'non-zero first byte': (b) => (b[0] = 0x01),
      'block type 01': (b) => (b[1] = 0x01),
      'zero inside PS': (b) => (b[5] = 0),
      'no separator before the key': (b) => (b[b.length - 33] = 0x07),
      'a 24-byte key where 32 are expected': (b) => {
        b[b.length - 33] = 0x07;
        b[b.length - 25] = 0;
      },
    };
    for (const [defect, edit] of Object.entries(defects)) {
      const wrapped = rawBlock(publicKey, edit, contentKey);
      const first = unwrapPkcs1v15(privateKey, wrapped, 32);
      expect(first, defect).toHaveLength(32);
      expect(first, defect).not.toEqual(contentKey);
      expect(unwrapPkcs1v15(privateKey, wrapped, 32), defect).toEqual(first);
    }
    // The untouched block still decrypts, so the defects above are what made the difference.
    expect(
      unwrapPkcs1v15(
        privateKey,
        rawBlock(publicKey, () => undefined, contentKey),
        32,
      ),
    ).toEqual(contentKey);
  });

  it('answers a ciphertext of the wrong size or above the modulus with a stand-in key', () => {
    const { privateKey } = keys[2048];
    expect(unwrapPkcs1v15(privateKey, randomBytes(100), 16)).toHaveLength(16);
    expect(unwrapPkcs1v15(privateKey, Buffer.alloc(256, 0xff), 16)).toHaveLength(16);
  });
});

describe('unwrapOaep', () => {
  it('decrypts OAEP and answers a tampered one with a stand-in key', () => {
    const { publicKey, privateKey } = keys[2048];
    const contentKey = randomBytes(32);
    const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, contentKey);
    expect(unwrapOaep(privateKey, wrapped, 32)).toEqual(contentKey);
    wrapped[10] = wrapped[10]! ^ 1;
    const tampered = unwrapOaep(privateKey, wrapped, 32);
    expect(tampered).toHaveLength(32);
    expect(tampered).not.toEqual(contentKey);
  });
});
