// A SCEP challenge for an admin, sealed in the core to the admin's one-time key before it enters Temporal.
import { challengeReplyContext } from '../../core/pki/scep-challenge.js';
import { sealTo, type BoxRecipient } from '../../core/crypto/sealed-box.js';
import type { PkiActivities } from './pki.activities.js';

export function createSealedScepChallengeActivities(deps: {
  pki: Pick<PkiActivities, 'createScepChallenge'>;
}) {
  return {
    async createSealedScepChallenge({
      replyTo,
      ...input
    }: Parameters<PkiActivities['createScepChallenge']>[0] & { replyTo: BoxRecipient }): Promise<{
      sealedChallenge: string;
      expiresAt: string;
    }> {
      const { challenge, expiresAt } = await deps.pki.createScepChallenge(input);
      return {
        sealedChallenge: sealTo(replyTo, Buffer.from(challenge), challengeReplyContext(input.boundTo)),
        expiresAt,
      };
    },
  };
}

export type SealedScepChallengeActivities = ReturnType<typeof createSealedScepChallengeActivities>;
