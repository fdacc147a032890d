// Revokes certificates (`revocation-<uuid>`): the core records it and publishes a CRL, then every edge the core
// serves refuses the identity and serves the new CRL. The one way to revoke: admin revocation, check-out and a
// renewed identity's predecessor all come here.
import { proxyActivities } from '@temporalio/workflow';
import type { PkiActivities, RevocationTarget } from '../activities/pki/pki.activities.js';
import type { RevocationReason } from '../core/pki/crl.js';
import type { ScepEdgeActivities } from '../edge/scep/scep.activities.js';
import type { TrustActivities } from '../edge/trust.activities.js';

export type RevocationInput = RevocationTarget & { reason?: RevocationReason };

/** Hands the revocation to one edge; an edge that is down gets it when its worker comes back. */
export async function installRevocation(
  edgeTaskQueue: string,
  revocation: Awaited<ReturnType<PkiActivities['revokeAndPublish']>>,
): Promise<void> {
  const edge = proxyActivities<ScepEdgeActivities & TrustActivities>({
    taskQueue: edgeTaskQueue,
    startToCloseTimeout: '1 minute',
    scheduleToStartTimeout: '30 days',
  });
  if (revocation.revoked.length) await edge.revokeCertificates({ entries: revocation.revoked });
  await edge.installCrl({ crlBase64: revocation.crlBase64 });
}

export async function revocationWorkflow(input: RevocationInput): Promise<{ revoked: number }> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const revocation = await pki.revokeAndPublish(input);
  const edges = await pki.edgeTaskQueues();
  await Promise.all(edges.map((taskQueue) => installRevocation(taskQueue, revocation)));
  return { revoked: revocation.revoked.length };
}
