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
  /** One per edge task queue (an operator-chosen name, not a person's). */
  edgeProvisioning: (edgeTaskQueue: string) => `edge-provisioning-${edgeTaskQueue}`,
  revocation: (id: string) => `revocation-${id}`,
  enrollmentProfile: (enrollmentId: string) => `enrollment-${enrollmentId}`,
  scepChallenge: (id: string) => `scep-challenge-${id}`,
  pushCertificate: (importId: string) => `push-certificate-${importId}`,
  /** `digest` is a hash of the device-chosen SCEP transaction ID, never the ID itself. */
  certificateRequest: (digest: string) => `certificate-request-${digest}`,
  /** Fixed: one directory, synchronised by one schedule. */
  directorySync: () => 'directory-sync',
  /** Fixed: one CRL, refreshed by one schedule. */
  /** Per core task queue, so cores sharing a namespace (tests, several sites) refresh their own CRL. */
  crlRefresh: (coreTaskQueue: string) => `crl-refresh-${coreTaskQueue}`,
  /** One per change of a policy's version or assignments. */
  policyFanOut: (id: string) => `policy-fanout-${id}`,
};
