// Issues one SCEP challenge for the admin API (`scep-challenge-<uuid>`); only the core can hash and store it.
import { proxyActivities } from '@temporalio/workflow';
import type { PkiActivities } from '../activities/pki/pki.activities.js';

export async function scepChallengeWorkflow(
  input: Parameters<PkiActivities['createScepChallenge']>[0],
): Promise<{ challenge: string; expiresAt: string }> {
  const { createScepChallenge } = proxyActivities<PkiActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 5 },
  });
  return createScepChallenge(input);
}
