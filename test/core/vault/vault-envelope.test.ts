import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { keyRingKms } from '../../../core/vault/key-ring-kms.js';
import {
  openVaultSecret,
  sealVaultSecret,
  VaultSecretError,
  type VaultSecretAddress,
} from '../../../core/vault/vault-envelope.js';

const secret = Buffer.from('ABCD-EFGH-IJKL-MNOP-QRST-UVWX');
const address: VaultSecretAddress = { deviceId: 'device-a', kind: 'filevault-prk', version: 1 };

describe('vault envelope (key-ring KMS)', () => {
  it('round-trips a secret under its own data key, and stores no plaintext', async () => {
    const kms = keyRingKms(KeyRing.parse(KeyRing.generateSpec('k1')));
    const sealed = await sealVaultSecret(kms, address, secret);
    expect(sealed.kekId).toBe('ring:k1');
    expect(sealed.ciphertext.includes(secret)).toBe(false);
    expect(await openVaultSecret(kms, address, sealed)).toEqual(secret);
    const other = await sealVaultSecret(kms, address, secret);
    expect(other.wrappedKey.equals(sealed.wrappedKey)).toBe(false);
  });

  it('refuses another device, kind or version (AAD), a tampered ciphertext or wrapped key, and a foreign KEK', async () => {
    const kms = keyRingKms(KeyRing.parse(KeyRing.generateSpec('k1')));
    const sealed = await sealVaultSecret(kms, address, secret);
    for (const wrong of [
      { ...address, deviceId: 'device-b' },
      { ...address, kind: 'bootstrap-token' as const },
      { ...address, version: 2 },
    ])
      await expect(openVaultSecret(kms, wrong, sealed)).rejects.toThrow(VaultSecretError);
    const flipped = (bytes: Buffer) => {
      const copy = Buffer.from(bytes);
      copy[copy.length - 1]! ^= 0xff;
      return copy;
    };
    await expect(
      openVaultSecret(kms, address, { ...sealed, ciphertext: flipped(sealed.ciphertext) }),
    ).rejects.toThrow(VaultSecretError);
    await expect(
      openVaultSecret(kms, address, { ...sealed, wrappedKey: flipped(sealed.wrappedKey) }),
    ).rejects.toThrow(VaultSecretError);
    const foreign = keyRingKms(KeyRing.parse(KeyRing.generateSpec('k1')));
    await expect(openVaultSecret(foreign, address, sealed)).rejects.toThrow(VaultSecretError);
  });

  it('opens a secret wrapped before a key-ring rotation while the old key is in the ring', async () => {
    const old = KeyRing.generateSpec('old');
    const sealed = await sealVaultSecret(keyRingKms(KeyRing.parse(old)), address, secret);
    const rotated = keyRingKms(KeyRing.parse(`${KeyRing.generateSpec('new')},${old}`));
    expect(await openVaultSecret(rotated, address, sealed)).toEqual(secret);
    expect((await sealVaultSecret(rotated, address, secret)).kekId).toBe('ring:new');
  });
});
