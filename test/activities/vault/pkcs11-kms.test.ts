import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkcs11Kms, type Pkcs11Kms } from '../../../activities/vault/pkcs11-kms.js';
import { KmsError } from '../../../core/vault/kms.js';
import {
  openVaultSecret,
  sealVaultSecret,
  VaultSecretError,
  type VaultSecretAddress,
} from '../../../core/vault/vault-envelope.js';
import { createSoftHsmToken, softHsmLibrary, type SoftHsmToken } from '../../support/softhsm.js';

const library = softHsmLibrary();
const secret = Buffer.from('ABCD-EFGH-IJKL-MNOP-QRST-UVWX');
const address: VaultSecretAddress = { deviceId: 'device-a', kind: 'filevault-prk', version: 1 };

describe.skipIf(!library)('PKCS#11 KMS (SoftHSM2)', () => {
  let token: SoftHsmToken;
  let kms: Pkcs11Kms;
  beforeAll(() => {
    token = createSoftHsmToken(library!);
    kms = pkcs11Kms(token);
  });
  afterAll(() => {
    kms?.close();
    token?.remove();
  });

  it('round-trips a secret whose data key the token wrapped, and refuses a tampered or misaddressed one', async () => {
    const sealed = await sealVaultSecret(kms, address, secret);
    expect(sealed.kekId).toBe(`pkcs11:${token.keyLabel}`);
    expect(sealed.wrappedKey.length).toBe(12 + 32 + 16);
    expect(await openVaultSecret(kms, address, sealed)).toEqual(secret);
    await expect(openVaultSecret(kms, { ...address, version: 2 }, sealed)).rejects.toThrow(VaultSecretError);
    const wrappedKey = Buffer.from(sealed.wrappedKey);
    wrappedKey[20]! ^= 0xff;
    await expect(openVaultSecret(kms, address, { ...sealed, wrappedKey })).rejects.toThrow(VaultSecretError);
  });

  it('names a missing key or a KEK of another backend instead of opening anything', async () => {
    const sealed = await sealVaultSecret(kms, address, secret);
    await expect(kms.unwrap({ ...sealed, kekId: 'pkcs11:no-such-key' }, Buffer.alloc(0))).rejects.toThrow(
      /no key labelled "no-such-key"/,
    );
    await expect(kms.unwrap({ ...sealed, kekId: 'ring:k1' }, Buffer.alloc(0))).rejects.toThrow(KmsError);
  });
});
