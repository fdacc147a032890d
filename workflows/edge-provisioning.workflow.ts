// Provisions one edge (`edge-provisioning-<task queue>`): installs Keep's CA chain there, every revocation so far
// and the current CRL, and certifies the edge's SCEP RA key, which the edge generates and keeps; the CA key never
// leaves the core.
import { proxyActivities } from '@temporalio/workflow';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import type { ScepEdgeActivities } from '../edge/scep/scep.activities.js';
import type { TrustActivities } from '../edge/trust.activities.js';
import { installRevocation } from './install-on-edges.js';

export async function edgeProvisioningWorkflow(input: {
  edgeTaskQueue: string;
}): Promise<{ raIssued: boolean }> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const edge = proxyActivities<ScepEdgeActivities & TrustActivities>({
    taskQueue: input.edgeTaskQueue,
    startToCloseTimeout: '1 minute',
    // An edge that is not running yet is waited for: its worker picks the task up when it starts.
    scheduleToStartTimeout: '30 days',
  });
  const certificates = await pki.caChain();
  await edge.installCaChain({ certificates });
  // A new edge starts with an empty list: it must refuse what was revoked before it existed.
  await installRevocation(input.edgeTaskQueue, await pki.revocationList());
  const { csrBase64 } = await edge.prepareRa();
  if (!csrBase64) return { raIssued: false };
  const { certificateBase64 } = await pki.issueRaCertificate({
    csrBase64,
    edgeTaskQueue: input.edgeTaskQueue,
  });
  await edge.installRa({ certificateBase64 });
  return { raIssued: true };
}
