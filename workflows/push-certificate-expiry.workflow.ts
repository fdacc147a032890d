// Checks the APNs push certificate's expiry (`push-certificate-expiry-<core task queue>`, started daily by the
// schedule of that name): at 30, 14, 7 and 1 days before it lapses, and once it has, a warning is logged and
// written to the audit log and told to the push-certificate webhook receivers (once per step), so the admin
// renews it (same topic) before pushes stop.
import { log, patched, proxyActivities } from '@temporalio/workflow';
import type { PushCertificateWebhookActivities } from '../activities/apple/push-certificate-webhook.activities.js';
import type {
  PushCertificateActivities,
  PushCertificateExpiryCheck,
} from '../activities/apple/push-certificate.activities.js';

export async function pushCertificateExpiryWorkflow(): Promise<PushCertificateExpiryCheck | null> {
  const core = proxyActivities<PushCertificateActivities & PushCertificateWebhookActivities>({
    startToCloseTimeout: '1 minute',
    // A receiver that is down is tried again for a while; each step is recorded once, so this is its one chance.
    retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const check = await core.checkPushCertificateExpiry();
  if (check && check.warning !== 'none') {
    // Topic and dates only: nothing here is a secret.
    log.warn('the APNs push certificate expires soon: renew it for the same topic', {
      topic: check.topic,
      expiresAt: check.expiresAt,
      daysLeft: check.daysLeft,
      warning: check.warning,
    });
  }
  // Only the check that recorded the step tells the receivers: a repeated check of the same step does not.
  if (check?.recorded && patched('push-certificate-expiry-webhook'))
    await core.notifyPushCertificateExpiry(check);
  return check;
}
