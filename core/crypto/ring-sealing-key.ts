// A sealing key pair derived from a key ring for one purpose: it rotates with the ring, needs no storage of its
// own, and only its public half ever leaves the process that holds the ring.
import type { KeyRing } from './key-ring.js';
import { boxKeyPairFrom, openSealed, sealedKeyId, type BoxRecipient } from './sealed-box.js';

export interface RingSealingKey {
  /** The public half (current ring key), for whoever seals to this process. */
  recipient: BoxRecipient;
  /** Opens a value sealed to any key still in the ring, so a rotation does not strand values in flight. */
  open(sealed: string, context: string): Buffer;
}

export function ringSealingKey(ring: KeyRing, purpose: string): RingSealingKey {
  const pairFor = (keyId: string) => boxKeyPairFrom(keyId, ring.derive(purpose, keyId));
  return {
    recipient: pairFor(ring.primary.id).recipient,
    open: (sealed, context) => openSealed(pairFor(sealedKeyId(sealed)), sealed, context),
  };
}
