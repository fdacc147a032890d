// Makes one Apple enrollment profile (`enrollment-<uuid>`): the enrollment id is Keep's opaque id, and the
// signed profile (which holds a one-time challenge) is the result, encrypted like every payload.
import { proxyActivities } from '@temporalio/workflow';
import type { EnrollmentProfileActivities } from '../activities/pki/enrollment-profile.activities.js';

export async function enrollmentProfileWorkflow(input: {
  enrollmentId: string;
}): Promise<{ profileBase64: string; expiresAt: string }> {
  const { createAppleEnrollmentProfile } = proxyActivities<EnrollmentProfileActivities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 5 },
  });
  return createAppleEnrollmentProfile(input);
}
