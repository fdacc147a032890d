// Rotates one device secret (`secret-rotation-<rotation id>`): after a reveal, on the rotation schedule, or when an
// admin asks. Each attempt gives the device a new secret and waits for its answer: Acknowledged (and, for Recovery
// Lock, a VerifyRecoveryLock that the Mac answers true) makes the new version current; a refusal leaves the version
// before current, flagged with the device's error, and the attempt is repeated after a backoff.
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { SecretRotationActivities } from '../activities/vault/secret-rotation.activities.js';
import type { SecretRotationInput } from '../core/vault/secret-rotation.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';
import { requireAdminStart } from './admin-command-proof.js';

const vault = proxyActivities<SecretRotationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Waiting for a device costs no history: the activity is retried until the device answers (days, if need be). */
const answers = proxyActivities<SecretRotationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 1.5, maximumInterval: '10 minutes' },
});

const DAY_MS = 86_400_000;

export async function secretRotationWorkflow(
  input: SecretRotationInput,
): Promise<{ status: 'rotated'; attempts: number }> {
  await requireAdminStart('secretRotationWorkflow', input);
  const { deviceId, kind } = input;
  const edge = proxyActivities<DeviceCommandActivities>({
    taskQueue: input.edgeTaskQueue,
    startToCloseTimeout: '30 seconds',
  });
  for (let attempt = 1; ; attempt++) {
    const rotationId = `${workflowInfo().workflowId}:${attempt}`;
    const edgeRecipient = await edge.edgeSealingRecipient();
    const sent = await vault.sendSecretRotation({ deviceId, kind, rotationId, edgeRecipient });
    let outcome = await answers.rotationCommandOutcome({ deviceId, commandUuid: sent.commandUuid });
    if (outcome.acknowledged && kind === 'recovery-lock') {
      const check = await vault.sendRecoveryLockCheck({ deviceId, rotationId, edgeRecipient });
      outcome = await answers.rotationCommandOutcome({ deviceId, commandUuid: check.commandUuid });
      if (outcome.acknowledged && outcome.result.PasswordVerified !== true)
        outcome = { acknowledged: false, error: 'the Mac did not verify the new Recovery Lock password' };
    }
    await vault.finishSecretRotation({
      deviceId,
      kind,
      rotationId,
      ...(outcome.acknowledged ? {} : { error: outcome.error }),
    });
    if (outcome.acknowledged) return { status: 'rotated', attempts: attempt };
    await sleep(Math.min(DAY_MS, input.retryAfterMs * 2 ** (attempt - 1)));
  }
}
