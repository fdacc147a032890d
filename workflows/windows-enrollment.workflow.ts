// One Windows enrolment request (`windows-enrollment-<enrollmentId>`): the edge starts it and waits for its
// result, bounded in time; the core checks the credential against the directory and signs the CSR.
import { proxyActivities } from '@temporalio/workflow';
import type {
  WindowsEnrollmentActivities,
  WindowsEnrollmentOutcome,
  WindowsEnrollmentRequest,
} from '../activities/windows/windows-enrollment.activities.js';

export async function windowsEnrollmentWorkflow(
  request: WindowsEnrollmentRequest,
): Promise<WindowsEnrollmentOutcome> {
  // Few attempts: each one is an LDAP bind with the user's password, and directories lock accounts out.
  const windows = proxyActivities<WindowsEnrollmentActivities>({
    startToCloseTimeout: '20 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  });
  return windows.enrollWindowsDevice(request);
}
