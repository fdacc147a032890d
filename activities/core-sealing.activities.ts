// Hands out the public half of the core's sealing key, so an edge can seal what only the core may read.
import { coreSealingKey } from '../core/crypto/core-sealing-key.js';
import type { KeyRing } from '../core/crypto/key-ring.js';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';

export function createCoreSealingActivities(deps: { keyRing: KeyRing }) {
  const { recipient } = coreSealingKey(deps.keyRing);
  return {
    async coreSealingRecipient(): Promise<BoxRecipient> {
      return recipient;
    },
  };
}

export type CoreSealingActivities = ReturnType<typeof createCoreSealingActivities>;
