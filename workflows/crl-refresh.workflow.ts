// Refreshes the CRL (`crl-refresh-<core task queue>`, started by the schedule of that name and once at the core's first start): the
// core publishes a CRL with a new nextUpdate and without the entries of expired certificates, and every edge
// serves it, so relying parties never hold a CRL past its nextUpdate. An old root nothing chains to any more is then
// retired and the edges get the chain without it.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import { installCaChainOnEveryEdge, installOnEveryEdge } from './install-on-edges.js';

export async function crlRefreshWorkflow(): Promise<void> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const crls = await pki.refreshCrl();
  // The edges already refuse every revoked identity: only the CRLs are new.
  await installOnEveryEdge({ revoked: [], ...crls });
  if (!patched('crl-refresh-retires-roots')) return;
  if ((await pki.retireExpiredRoots()).retired > 0) await installCaChainOnEveryEdge();
}
