// Every workflow the core worker runs; the bundle is built from this file.
export { planeCheckWorkflow } from './plane-check.workflow.js';
export { deviceWorkflow } from './device.workflow.js';
export { pushCertificateWorkflow } from './push-certificate.workflow.js';
export { certificateRequestWorkflow } from './certificate-request.workflow.js';
export { edgeProvisioningWorkflow } from './edge-provisioning.workflow.js';
export { revocationWorkflow } from './revocation.workflow.js';
export { enrollmentProfileWorkflow } from './enrollment-profile.workflow.js';
export { scepChallengeWorkflow } from './scep-challenge.workflow.js';
export { directorySyncWorkflow } from './directory-sync.workflow.js';
export { crlRefreshWorkflow } from './crl-refresh.workflow.js';
export { bulkCommandWorkflow } from './bulk-command.workflow.js';
export { deviceEventsWorkflow } from './device-events.workflow.js';
export { windowsEnrollmentWorkflow } from './windows-enrollment.workflow.js';
export { depServerCreateWorkflow, depTokenImportWorkflow } from './dep-token.workflow.js';
export { depSyncWorkflow } from './dep-sync.workflow.js';
export { zeroTouchAdmissionWorkflow } from './zero-touch-admission.workflow.js';
export { zeroTouchEnrollmentWorkflow } from './zero-touch-enrollment.workflow.js';
export { coreSealingKeyWorkflow } from './core-sealing-key.workflow.js';
