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
export { policyFanOutWorkflow } from './policy-fanout.workflow.js';
