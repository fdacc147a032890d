// Makes one Apple enrollment profile (`enrollment-<uuid>`): the enrollment id is Keep's opaque id, and the
// signed profile (which holds a one-time challenge) is the result, sealed to the asking admin's one-time key.
import { proxyActivities } from '@temporalio/workflow';
import { requireAdminStart } from './admin-command-proof.js';
import type {
  EnrollmentProfileActivities,
  EnrollmentProfileReply,
} from '../activities/pki/enrollment-profile.activities.js';

export async function enrollmentProfileWorkflow(
  input: Parameters<EnrollmentProfileActivities['createAppleEnrollmentProfile']>[0],
): Promise<EnrollmentProfileReply> {
  const { createAppleEnrollmentProfile } = proxyActivities<EnrollmentProfileActivities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 5 },
  });
  await requireAdminStart('enrollmentProfileWorkflow', input);
  return createAppleEnrollmentProfile(input);
}
