// Revokes certificates (`revocation-<uuid>`): the core records it and publishes a CRL, then every edge the core
// serves refuses the identity and serves the new CRL. The one way to revoke: admin revocation, check-out and a
// renewed identity's predecessor all come here.
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PkiActivities, RevocationTarget } from '../activities/pki/pki.activities.js';
import type { RevocationReason } from '../core/pki/crl.js';
import { installOnEveryEdge } from './install-on-edges.js';

export type RevocationInput = RevocationTarget & { reason?: RevocationReason };

/**
 * Answers once the core has recorded the revocation and published the CRL, without waiting for the edges: an
 * admin learns it is revoked at once, and an edge that is down gets it when it is back.
 */
export const revocationRecordedUpdate = defineUpdate<{ revoked: number }>('revocationRecorded');

export async function revocationWorkflow(input: RevocationInput): Promise<{ revoked: number }> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const state: { recorded?: { revoked: number } } = {};
  setHandler(revocationRecordedUpdate, async () => {
    await condition(() => state.recorded !== undefined);
    return state.recorded!;
  });
  const revocation = await pki.revokeAndPublish(input);
  state.recorded = { revoked: revocation.revoked.length };
  await installOnEveryEdge(revocation);
  return state.recorded;
}
