// Admits a device to zero-touch enrollment and starts it: shared by the plain ADE request (`/mdm/dep/enroll`) and
// the one that follows a sign-in. Runs inside either workflow; its commands are those of zeroTouchAdmissionWorkflow.
import { ParentClosePolicy, proxyActivities, startChild, uuid4 } from '@temporalio/workflow';
import type { ZeroTouchActivities } from '../activities/apple/dep/zero-touch.activities.js';
import type { EnrollmentProfileActivities } from '../activities/pki/enrollment-profile.activities.js';
import type { AppleHardware } from '../core/apple/attestation-capability.js';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import { zeroTouchEnrollmentWorkflow } from './zero-touch-enrollment.workflow.js';

export interface ZeroTouchAdmissionInput {
  /** From the device's MachineInfo; kept inside the encrypted payload, never in an id. */
  serialNumber: string;
  /** MachineInfo's PRODUCT and OS_VERSION: whether the device can attest an ACME identity. */
  machine?: AppleHardware;
  edgeTaskQueue: string;
  /** The edge's one-time key for this request: the profile (it holds a challenge) is sealed to it. */
  replyTo: BoxRecipient;
}

/**
 * Admitted only if ABM assigns the device to Keep; then its zero-touch enrollment starts and the profile, bound to
 * a fresh enrollment id, is sealed to the edge's key. `bind` runs once the id exists, before anything uses it.
 */
export async function startZeroTouch(
  input: ZeroTouchAdmissionInput,
  bind?: (enrollmentId: string) => Promise<void>,
): Promise<{ enrollmentId: string; sealedProfile: string }> {
  const core = proxyActivities<ZeroTouchActivities & EnrollmentProfileActivities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['NotAdmitted', 'NoPushCertificate'] },
  });
  const { depDeviceId, configuredTimeoutMinutes } = await core.admitZeroTouchDevice({
    serialNumber: input.serialNumber,
  });
  const enrollmentId = uuid4();
  await bind?.(enrollmentId);
  await core.recordZeroTouchProgress({ enrollmentId, depDeviceId, status: 'waiting-for-device' });
  await startChild(zeroTouchEnrollmentWorkflow, {
    workflowId: workflowIds.zeroTouchEnrollment(enrollmentId),
    args: [{ enrollmentId, depDeviceId, edgeTaskQueue: input.edgeTaskQueue, configuredTimeoutMinutes }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  const { sealedProfile } = await core.createAppleEnrollmentProfile({
    enrollmentId,
    replyTo: input.replyTo,
    ...(input.machine ? { machine: input.machine } : {}),
  });
  return { enrollmentId, sealedProfile };
}
