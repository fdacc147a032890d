// The two task queues and the opaque workflow ids of DESIGN.md §1 (never a serial, UDID, e-mail or user name).

export const TASK_QUEUES = { edge: 'edge', core: 'core' } as const;

/** Keep's own opaque ids; workflow ids are built only from these. (Web Crypto: workflows may import this file.) */
export function newOpaqueId(): string {
  return globalThis.crypto.randomUUID();
}

/** Every workflow id prefix, in one place, so none can carry a name or a serial by accident. */
export const workflowIds = {
  planeCheck: (id: string) => `plane-check-${id}`,
  device: (keepId: string) => `device-${keepId}`,
  /** One per edge task queue: that edge's device events enter the core through it, in batches. */
  deviceEvents: (edgeTaskQueue: string) => `device-events-${edgeTaskQueue}`,
  /** One per edge task queue (an operator-chosen name, not a person's). */
  edgeProvisioning: (edgeTaskQueue: string) => `edge-provisioning-${edgeTaskQueue}`,
  revocation: (id: string) => `revocation-${id}`,
  /** Keep's bulk command id (POST /v1/commands). */
  bulkCommand: (bulkId: string) => `bulk-command-${bulkId}`,
  enrollmentProfile: (enrollmentId: string) => `enrollment-${enrollmentId}`,
  scepChallenge: (id: string) => `scep-challenge-${id}`,
  coreSealingKey: (id: string) => `core-sealing-key-${id}`,
  edgeSealingKey: (id: string) => `edge-sealing-key-${id}`,
  pushCertificate: (importId: string) => `push-certificate-${importId}`,
  /** `digest` is a hash of the device-chosen SCEP transaction ID, never the ID itself. */
  certificateRequest: (digest: string) => `certificate-request-${digest}`,
  /** One per edge task queue: signs the SCEP requests that edge gathers into batches. */
  scepSigner: (edgeTaskQueue: string) => `scep-signer-${edgeTaskQueue}`,
  /** Fixed: one directory, synchronised by one schedule. */
  directorySync: () => 'directory-sync',
  /** Fixed: one CRL, refreshed by one schedule. */
  /** Per core task queue, so cores sharing a namespace (tests, several sites) refresh their own CRL. */
  crlRefresh: (coreTaskQueue: string) => `crl-refresh-${coreTaskQueue}`,
  /** Per core task queue, like crl-refresh: each core renews the identities in its own database. */
  identityRenewal: (coreTaskQueue: string) => `identity-renewal-${coreTaskQueue}`,
  /** Per core task queue, like crl-refresh: each core checks the push certificate in its own database. */
  pushCertificateExpiry: (coreTaskQueue: string) => `push-certificate-expiry-${coreTaskQueue}`,
  /** Per core task queue, like crl-refresh: each core renews the RA certificates of the edges it serves. */
  raRotation: (coreTaskQueue: string) => `ra-rotation-${coreTaskQueue}`,
  /** One per Windows enrolment request, named by the enrolment the edge opened for it. */
  windowsEnrollment: (enrollmentId: string) => `windows-enrollment-${enrollmentId}`,
  /** One per step of a Windows federated sign-in (Keep's opaque id, never the user's). */
  windowsSignIn: (id: string) => `windows-sign-in-${id}`,
  /** Per core task queue, like crl-refresh: each core syncs the ABM servers in its own database. */
  depSync: (coreTaskQueue: string) => `dep-sync-${coreTaskQueue}`,
  /** `serverId` is Keep's id of an ABM server entry. */
  depToken: (serverId: string, action: 'create' | 'import', requestId: string) =>
    `dep-token-${serverId}-${action}-${requestId}`,
  /** One request for a zero-touch profile; the serial travels only inside the encrypted payload. */
  zeroTouchAdmission: (requestId: string) => `zero-touch-admission-${requestId}`,
  zeroTouchEnrollment: (enrollmentId: string) => `zero-touch-${enrollmentId}`,
  /** One per step of an Apple enrolment sign-in (ADE or account-driven) (Keep's opaque id, never the device's or the user's). */
  appleSignIn: (id: string) => `apple-sign-in-${id}`,
  /** One per change of a policy's version or assignments. */
  policyFanOut: (id: string) => `policy-fanout-${id}`,
  rollout: (id: string) => `rollout-${id}`,
  /** `id` is the rollover's id (the admin API's). */
  caRollover: (id: string) => `ca-rollover-${id}`,
  /** Per core task queue, like crl-refresh: each core checks the vault in its own database. */
  vaultIntegrity: (coreTaskQueue: string) => `vault-integrity-${coreTaskQueue}`,
  /** Per core task queue, like crl-refresh: each core proves the policies of the devices in its own database. */
  policyVerification: (coreTaskQueue: string) => `policy-verification-${coreTaskQueue}`,
  /** One per request to reveal an escrowed secret (Keep's request id). */
  secretReveal: (requestId: string) => `secret-reveal-${requestId}`,
  /** One per rotation of a device secret (Keep's rotation id, never the device's serial). */
  secretRotation: (rotationId: string) => `secret-rotation-${rotationId}`,
  /** Per core task queue, like vault-integrity: each core sweeps its own database. */
  secretRotationSweep: (coreTaskQueue: string) => `secret-rotation-sweep-${coreTaskQueue}`,
  /** Per core task queue, like vault-integrity: each core imports into its own vault. */
  bitLockerRecoveryImport: (coreTaskQueue: string) => `bitlocker-recovery-import-${coreTaskQueue}`,
  /** Per core task queue, like policy-verification: each core proves the PCs in its own database. */
  windowsPolicyVerification: (coreTaskQueue: string) => `windows-policy-verification-${coreTaskQueue}`,
};
