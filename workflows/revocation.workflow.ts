// Revokes certificates (`revocation-<uuid>`): the core records it and publishes a CRL, then every edge the core
// serves refuses the identity and serves the new CRL. The one way to revoke: admin revocation, check-out and a
// renewed identity's predecessor all come here.
import { proxyActivities } from '@temporalio/workflow';
import type { PkiActivities, RevocationTarget } from '../activities/pki/pki.activities.js';
import type { RevocationReason } from '../core/pki/crl.js';
import { installOnEveryEdge } from './install-on-edges.js';

export type RevocationInput = RevocationTarget & { reason?: RevocationReason };

export async function revocationWorkflow(input: RevocationInput): Promise<{ revoked: number }> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const revocation = await pki.revokeAndPublish(input);
  await installOnEveryEdge(revocation);
  return { revoked: revocation.revoked.length };
}
