// Tells an edge the core's sealing public key (`core-sealing-key-<uuid>`): run once per edge process, then cached.
import { proxyActivities } from '@temporalio/workflow';
import type { CoreSealingActivities } from '../activities/core-sealing.activities.js';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';

export async function coreSealingKeyWorkflow(): Promise<BoxRecipient> {
  const { coreSealingRecipient } = proxyActivities<CoreSealingActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 5 },
  });
  return coreSealingRecipient();
}
