// Reveals an escrowed device secret to an admin (`secret-reveal-<request id>`), one durable step at a time: the
// admin API audited and recorded the request before starting it; an optional second admin approves within the
// window; the secret is shown once, within the window; then the request is closed (revealed, or expired) and a
// revealed FileVault key or Recovery Lock password is rotated by a secretRotationWorkflow.
import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { FileVaultRotationActivities } from '../activities/apple/filevault-rotation.activities.js';
import type { SecretRevealActivities } from '../activities/vault/secret-reveal.activities.js';
import type { SecretRotationActivities } from '../activities/vault/secret-rotation.activities.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';
import {
  revealSecretUpdate,
  secretRevealApprovedSignal,
  type SecretRevealInput,
} from './secret-reveal.messages.js';

const vault = proxyActivities<SecretRevealActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

const rotation = proxyActivities<SecretRotationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Reveals started before secretRotationWorkflow rotate a FileVault key through here (replay). */
const apple = proxyActivities<FileVaultRotationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function secretRevealWorkflow(
  input: SecretRevealInput,
): Promise<{ status: string; rotationCommandUuid?: string; rotationId?: string }> {
  const { requestId } = input;
  let approved = !input.approvalRequired;
  let poked = false;
  let revealed = false;
  setHandler(secretRevealApprovedSignal, () => {
    poked = true;
  });
  setHandler(
    revealSecretUpdate,
    async () => {
      // The activity checks the approval recorded in the core (the admin API may be ahead of this workflow).
      const answer = await vault.releaseRevealedSecret({ requestId });
      approved = true;
      revealed = true;
      return answer;
    },
    {
      validator: () => {
        if (revealed) throw new Error('the secret was shown already');
      },
    },
  );

  const deadline = Date.now() + input.windowMs;
  while (!approved) {
    if (!(await condition(() => poked || approved, Math.max(1, deadline - Date.now())))) {
      await vault.finishSecretReveal({ requestId, status: 'expired' });
      return { status: 'expired' };
    }
    poked = false;
    approved ||= await vault.secretRevealApproved({ requestId });
  }
  const shown = await condition(() => revealed, input.windowMs);
  const status = shown ? 'revealed' : 'expired';
  await vault.finishSecretReveal({ requestId, status });
  // A secret that was seen is no longer secret: the device gets a new one, escrowed when it answers.
  if (shown && input.rotateThroughEdge && patched('rotate-through-secret-rotation')) {
    // Its own workflow: a refusal keeps the old secret valid and flagged, and is retried with backoff.
    // Through the device's own edge, which the activity asks the device workflow for.
    const { rotationId } = await rotation.rotateAfterReveal({ requestId });
    return { status, ...(rotationId ? { rotationId } : {}) };
  }
  if (shown && input.rotateThroughEdge) {
    const edge = proxyActivities<DeviceCommandActivities>({
      taskQueue: input.rotateThroughEdge,
      startToCloseTimeout: '30 seconds',
    });
    const { commandUuid } = await apple.rotateRevealedFileVaultKey({
      requestId,
      edgeRecipient: await edge.edgeSealingRecipient(),
    });
    return { status, rotationCommandUuid: commandUuid };
  }
  return { status };
}
