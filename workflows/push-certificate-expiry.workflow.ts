// Checks the APNs push certificate's expiry (`push-certificate-expiry-<core task queue>`, started daily by the
// schedule of that name): at 30, 14, 7 and 1 days before it lapses, and once it has, a warning is logged and
// written to the audit log, so the admin renews it (same topic) before pushes stop.
import { log, proxyActivities } from '@temporalio/workflow';
import type {
  PushCertificateActivities,
  PushCertificateExpiryCheck,
} from '../activities/apple/push-certificate.activities.js';

export async function pushCertificateExpiryWorkflow(): Promise<PushCertificateExpiryCheck | null> {
  const core = proxyActivities<PushCertificateActivities>({ startToCloseTimeout: '1 minute' });
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
  return check;
}
