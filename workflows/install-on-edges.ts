// Hands revocations, a CRL and the CA chain to the edges: the one fan-out the revocation, CRL refresh, edge provisioning
// and CA rollover workflows share.
import { proxyActivities } from '@temporalio/workflow';
import type { PkiActivities, Revocation } from '../activities/pki/pki.activities.js';
import type { ScepEdgeActivities } from '../edge/scep/scep.activities.js';
import type { TrustActivities } from '../edge/trust.activities.js';

/** Hands the revocation to one edge; an edge that is down gets it when its worker comes back. */
export async function installRevocation(edgeTaskQueue: string, revocation: Revocation): Promise<void> {
  const edge = proxyActivities<ScepEdgeActivities & TrustActivities>({
    taskQueue: edgeTaskQueue,
    startToCloseTimeout: '1 minute',
    scheduleToStartTimeout: '30 days',
  });
  if (revocation.revoked.length) await edge.revokeCertificates({ entries: revocation.revoked });
  await edge.installCrl({
    crlBase64: revocation.crlBase64,
    ...(revocation.crls ? { crls: revocation.crls } : {}),
  });
}

/** Every edge the core serves (read in the core, never passed by a caller) gets the revocation and the CRL. */
export async function installOnEveryEdge(revocation: Revocation): Promise<void> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const edges = await pki.edgeTaskQueues();
  await Promise.all(edges.map((taskQueue) => installRevocation(taskQueue, revocation)));
}

/** Every edge the core serves gets the CA chain as the core holds it now (a rollover's CAs included). */
export async function installCaChainOnEveryEdge(): Promise<void> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const [edges, certificates] = await Promise.all([pki.edgeTaskQueues(), pki.caChain()]);
  await Promise.all(
    edges.map((taskQueue) =>
      proxyActivities<TrustActivities>({
        taskQueue,
        startToCloseTimeout: '1 minute',
        scheduleToStartTimeout: '30 days',
      }).installCaChain({ certificates }),
    ),
  );
}
