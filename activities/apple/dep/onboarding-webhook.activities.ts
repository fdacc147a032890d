// Tells the onboarding system that pre-staged a device that it is enrolled and configured: one signed POST per
// request, retried by Temporal until the receiver takes it, and never sent twice once it has.
import { sql, type Kysely } from 'kysely';
import type { DepSettings } from '../../../core/config/config.schema.js';
import type { CoreDatabase } from '../../../core/db/core-database.js';
import { postSignedWebhook } from '../../webhook/signed-webhook.js';

export interface OnboardingWebhookDeps {
  db: Kysely<CoreDatabase>;
  dep: Pick<DepSettings, 'onboardingWebhookUrl' | 'onboardingWebhookSecret'>;
  now?: () => Date;
}

export function createOnboardingWebhookActivities(deps: OnboardingWebhookDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    async notifyOnboarding(input: {
      depDeviceId: string;
      enrollmentId: string;
      deviceId: string;
    }): Promise<number> {
      const { onboardingWebhookUrl: url, onboardingWebhookSecret: secret } = deps.dep;
      if (!url || !secret) return 0;
      const pending = await deps.db
        .selectFrom('onboarding_requests')
        .innerJoin('dep_devices', 'dep_devices.id', 'onboarding_requests.dep_device_id')
        .select(['onboarding_requests.caller', 'onboarding_requests.key', 'dep_devices.serial_number'])
        .where('onboarding_requests.dep_device_id', '=', input.depDeviceId)
        .where('onboarding_requests.notified_at', 'is', null)
        .execute();
      for (const request of pending) {
        const body = JSON.stringify({
          event: 'device.configured',
          key: request.key,
          serialNumber: request.serial_number,
          deviceId: input.deviceId,
          enrollmentId: input.enrollmentId,
        });
        await postSignedWebhook('onboarding', { url, secret }, body, now());
        await deps.db
          .updateTable('onboarding_requests')
          .set({ notified_at: sql`now()` })
          .where('caller', '=', request.caller)
          .where('key', '=', request.key)
          .execute();
      }
      return pending.length;
    },
  };
}

export type OnboardingWebhookActivities = ReturnType<typeof createOnboardingWebhookActivities>;
