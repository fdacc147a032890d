// The key-encryption-key service the vault wraps its data keys with: a small contract, one backend per folder
// (the core key ring by default, an HSM over PKCS#11), so the KEK can live where the operator wants it.

/** A data key wrapped by a KEK, with the id of the KEK that can unwrap it (so a KEK rotation strands nothing). */
export interface WrappedKey {
  kekId: string;
  wrappedKey: Buffer;
}

export interface Kms {
  /** Wraps with the current KEK; `aad` binds the wrapped key to the secret it protects. */
  wrap(dataKey: Buffer, aad: Buffer): Promise<WrappedKey>;
  /** Throws KmsError when the KEK is unknown or the wrapped key (or its `aad`) was tampered with. */
  unwrap(wrapped: WrappedKey, aad: Buffer): Promise<Buffer>;
}

/** A data key that cannot be wrapped or unwrapped: unknown KEK, tampering, or the KMS itself failing. */
export class KmsError extends Error {
  override name = 'KmsError';
}
