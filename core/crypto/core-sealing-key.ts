// The core's sealing key pair, derived from the core key ring: the edge seals values only the core may read
// (a bootstrap token) to its public half, which is all the edge ever learns of it.
import type { KeyRing } from './key-ring.js';
import { boxKeyPairFrom, openSealed, sealedKeyId, type BoxRecipient } from './sealed-box.js';

const PURPOSE = 'core-sealing-key';

export interface CoreSealingKey {
  /** The public half (current ring key), for the edge. */
  recipient: BoxRecipient;
  /** Opens a value sealed to any key still in the ring, so a rotation does not strand values in flight. */
  open(sealed: string, context: string): Buffer;
}

export function coreSealingKey(ring: KeyRing): CoreSealingKey {
  const pairFor = (keyId: string) => boxKeyPairFrom(keyId, ring.derive(PURPOSE, keyId));
  return {
    recipient: pairFor(ring.primary.id).recipient,
    open: (sealed, context) => openSealed(pairFor(sealedKeyId(sealed)), sealed, context),
  };
}
