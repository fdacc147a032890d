// Tells the configured receivers that the APNs push certificate is about to lapse (30, 14, 7, 1 days) or has: one
// signed POST per receiver, sent for each warning step the expiry check recorded, so each step is told once per
// certificate; the workflow retries the activity, and the event's `id` tells a receiver a repeat.
import type { PushCertificateExpiryCheck } from './push-certificate.activities.js';
import { postSignedWebhook, type WebhookReceivers } from '../webhook/signed-webhook.js';

export function createPushCertificateWebhookActivities(deps: {
  webhook: WebhookReceivers;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return {
    /** Returns how many receivers were told (0 when none is configured). Topic and dates only, never the key. */
    async notifyPushCertificateExpiry(check: PushCertificateExpiryCheck): Promise<number> {
      const { urls, secret } = deps.webhook;
      if (urls.length === 0 || !secret) return 0;
      const body = JSON.stringify({
        id: `${check.id}:${check.warning}`,
        event: 'push-certificate.expiring',
        pushCertificateId: check.id,
        topic: check.topic,
        expiresAt: check.expiresAt,
        daysLeft: check.daysLeft,
        warning: check.warning,
      });
      for (const url of urls) await postSignedWebhook('push certificate', { url, secret }, body, now());
      return urls.length;
    },
  };
}

export type PushCertificateWebhookActivities = ReturnType<typeof createPushCertificateWebhookActivities>;
