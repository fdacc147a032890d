// Issues one SCEP challenge for the admin API (`scep-challenge-<uuid>`); only the core can hash and store it, and
// the challenge comes back sealed to the asking admin's one-time key, so the history never holds it in clear.
import { proxyActivities } from '@temporalio/workflow';
import { requireAdminStart } from './admin-command-proof.js';
import type { SealedScepChallengeActivities } from '../activities/pki/sealed-scep-challenge.activities.js';

export async function scepChallengeWorkflow(
  input: Parameters<SealedScepChallengeActivities['createSealedScepChallenge']>[0],
): Promise<{ sealedChallenge: string; expiresAt: string }> {
  const { createSealedScepChallenge } = proxyActivities<SealedScepChallengeActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 5 },
  });
  await requireAdminStart('scepChallengeWorkflow', input);
  return createSealedScepChallenge(input);
}
