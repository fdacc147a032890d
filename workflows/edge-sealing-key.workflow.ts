// Tells the admin API an edge's sealing public key (`edge-sealing-key-<uuid>`), asked of that edge's worker: run once
// per admin process and edge, then cached. The admin API is a Temporal client only, so a workflow asks for it.
import { proxyActivities } from '@temporalio/workflow';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';

export async function edgeSealingKeyWorkflow(input: { edgeTaskQueue: string }): Promise<BoxRecipient> {
  const { edgeSealingRecipient } = proxyActivities<DeviceCommandActivities>({
    taskQueue: input.edgeTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 5 },
  });
  return edgeSealingRecipient();
}
