// The edge's sealing key pair, derived from the edge key ring (`edge.secretKeys`): the admin API seals a command
// that carries a secret (a lock PIN) to its public half, so the command crosses Temporal readable only by the edge.
import type { KeyRing } from './key-ring.js';
import { ringSealingKey, type RingSealingKey } from './ring-sealing-key.js';

export function edgeSealingKey(ring: KeyRing): RingSealingKey {
  return ringSealingKey(ring, 'edge-sealing-key');
}
