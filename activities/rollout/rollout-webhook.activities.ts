// Tells the configured receivers that a rollout needs a person or has ended: paused (with why), awaiting approval,
// completed, aborted. One signed POST per receiver (the zero-touch webhook's signer); the rollout workflow retries
// the activity with backoff, so delivery is at least once, and the event's `id` tells a receiver a repeat.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { NotifiedRolloutStatus } from '../../core/rollout/rollout-notification.js';
import { postSignedWebhook } from '../webhook/signed-webhook.js';

export interface RolloutWebhookSettings {
  urls: readonly string[];
  secret?: string | undefined;
}

export function createRolloutWebhookActivities(deps: {
  db: Kysely<CoreDatabase>;
  webhook: RolloutWebhookSettings;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return {
    /** The event as the workflow recorded it (`revision` numbers the rollout's status changes). */
    async notifyRolloutWebhooks(input: {
      rolloutId: string;
      status: NotifiedRolloutStatus;
      reason: string | null;
      revision: number;
    }): Promise<number> {
      const { urls, secret } = deps.webhook;
      if (urls.length === 0 || !secret) return 0;
      const rollout = await deps.db
        .selectFrom('rollouts')
        .select(['policy_id', 'from_version', 'to_version', 'current_wave', 'wave_count'])
        .where('id', '=', input.rolloutId)
        .executeTakeFirstOrThrow();
      const body = JSON.stringify({
        id: `${input.rolloutId}:${input.revision}`,
        event: `rollout.${input.status}`,
        rolloutId: input.rolloutId,
        policyId: rollout.policy_id,
        fromVersion: rollout.from_version,
        toVersion: rollout.to_version,
        reason: input.reason,
        wave: rollout.current_wave,
        waveCount: rollout.wave_count,
      });
      // Every receiver again on a retry: one that took it already tells the repeat by `id`.
      for (const url of urls) await postSignedWebhook('rollout', { url, secret }, body, now());
      return urls.length;
    },
  };
}

export type RolloutWebhookActivities = ReturnType<typeof createRolloutWebhookActivities>;
