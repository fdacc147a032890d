// The default KMS: KEKs derived (HKDF, purpose "vault-kek") from the core key ring in the settings, so the vault
// rotates with KEEP_CORE_SECRET_KEYS and needs no key of its own.
import { KeyRing } from '../crypto/key-ring.js';
import { KmsError, type Kms } from './kms.js';

const PREFIX = 'ring:';

export function keyRingKms(ring: KeyRing): Kms {
  // One single-key ring per ring key: KeyRing's AES-256-GCM format, under a key only the vault uses.
  const kekRing = (ringKeyId: string) =>
    new KeyRing([{ id: ringKeyId, key: ring.derive('vault-kek', ringKeyId) }]);
  return {
    async wrap(dataKey, aad) {
      const { keyId, data } = kekRing(ring.primary.id).seal(dataKey, aad);
      return { kekId: `${PREFIX}${keyId}`, wrappedKey: data };
    },
    async unwrap({ kekId, wrappedKey }, aad) {
      const ringKeyId = kekId.startsWith(PREFIX) ? kekId.slice(PREFIX.length) : undefined;
      if (!ringKeyId || !ring.has(ringKeyId))
        throw new KmsError(`KEK "${kekId}" is not in the core key ring`);
      try {
        return kekRing(ringKeyId).open(ringKeyId, wrappedKey, aad);
      } catch (cause) {
        throw new KmsError(`data key under KEK "${kekId}" failed authentication`, { cause });
      }
    },
  };
}
