// The gate for admin-only Updates: the core checks the admin API's recorded request (a local activity, same
// worker) before anything is queued or changed; a request without one fails the Update with the reason.
import { patched, proxyLocalActivities } from '@temporalio/workflow';
import type { AdminCommandProofActivities } from '../activities/device/admin-command-proof.activities.js';
import type { AdminActionClaim } from '../core/device/admin-command-proof.js';
import type { QueueCommandRequest } from './device.messages.js';

const proof = proxyLocalActivities<AdminCommandProofActivities>({ startToCloseTimeout: '30 seconds' });

export async function requireAdminProof(deviceId: string, request: QueueCommandRequest): Promise<void> {
  // Histories recorded before the gate replay as they ran; every Update handled from now on is checked.
  if (!patched('admin-command-proof')) return;
  const { commandUuid, requestType, payload, requestedBy } = request;
  await proof.checkAdminCommand({ deviceId, commandUuid, requestType, payload, requestedBy });
}

/** For an admin's action on a process workflow (a rollout's pause, …): the request is checked and used up. */
export async function requireAdminAction(claim: AdminActionClaim): Promise<void> {
  await proof.useAdminAction(claim);
}

/**
 * For a workflow only an admin may start (an enrollment profile, a SCEP challenge): its first step. Executions
 * started before the check replay as they ran.
 */
export async function requireAdminStart(workflowType: string, input: unknown): Promise<void> {
  if (!patched('admin-start-proof')) return;
  await proof.useAdminStart({ workflowType, input });
}
