// The core's sealing key pair, derived from the core key ring: the edge seals values only the core may read
// (a bootstrap token) to its public half, which is all the edge ever learns of it.
import type { KeyRing } from './key-ring.js';
import { ringSealingKey, type RingSealingKey } from './ring-sealing-key.js';

export type CoreSealingKey = RingSealingKey;

export function coreSealingKey(ring: KeyRing): CoreSealingKey {
  return ringSealingKey(ring, 'core-sealing-key');
}
