// Envelope encryption of one vault secret: a fresh random data key per secret (AES-256-GCM), wrapped by the KMS;
// the same AAD (device, kind, version) binds both layers, so a row copied onto another device or version fails.
import { randomBytes } from 'node:crypto';
import { KeyRing, KeyRingError } from '../crypto/key-ring.js';
import { KmsError, type Kms } from './kms.js';

/** What a secret kind is: one value per device and kind, versioned. `local-admin`: the managed admin's password. */
export type VaultSecretKind =
  'bootstrap-token' | 'filevault-prk' | 'recovery-lock' | 'bitlocker-recovery' | 'local-admin';

export const VAULT_SECRET_KINDS: readonly VaultSecretKind[] = [
  'bootstrap-token',
  'filevault-prk',
  'recovery-lock',
  'bitlocker-recovery',
  'local-admin',
];

export interface VaultSecretAddress {
  deviceId: string;
  kind: VaultSecretKind;
  version: number;
}

export interface SealedVaultSecret {
  kekId: string;
  wrappedKey: Buffer;
  ciphertext: Buffer;
}

/** Thrown when a stored secret does not open: wrong address (AAD), tampering, or a KEK the KMS no longer has. */
export class VaultSecretError extends Error {
  override name = 'VaultSecretError';
}

export const vaultAad = ({ deviceId, kind, version }: VaultSecretAddress) =>
  Buffer.from(`keep-vault:${deviceId}:${kind}:${version}`);

// The data key never leaves this module; KeyRing supplies the IV-tag-body format.
const DATA_KEY_ID = 'dek';

export async function sealVaultSecret(
  kms: Kms,
  address: VaultSecretAddress,
  plaintext: Uint8Array,
): Promise<SealedVaultSecret> {
  const aad = vaultAad(address);
  const dataKey = randomBytes(32);
  const { data } = new KeyRing([{ id: DATA_KEY_ID, key: dataKey }]).seal(plaintext, aad);
  const { kekId, wrappedKey } = await kms.wrap(dataKey, aad);
  dataKey.fill(0);
  return { kekId, wrappedKey, ciphertext: data };
}

export async function openVaultSecret(
  kms: Kms,
  address: VaultSecretAddress,
  sealed: SealedVaultSecret,
): Promise<Buffer> {
  const aad = vaultAad(address);
  try {
    const dataKey = await kms.unwrap(sealed, aad);
    try {
      return new KeyRing([{ id: DATA_KEY_ID, key: dataKey }]).open(DATA_KEY_ID, sealed.ciphertext, aad);
    } finally {
      dataKey.fill(0);
    }
  } catch (cause) {
    if (cause instanceof KmsError || cause instanceof KeyRingError)
      throw new VaultSecretError(
        `${address.kind} version ${address.version} does not open: ${cause.message}`,
        { cause },
      );
    throw cause;
  }
}
