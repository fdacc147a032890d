// Revokes certificates (`revocation-<uuid>`): the core records it and publishes a CRL, then every edge the core
// serves refuses the identity and serves the new CRL. The one way to revoke: admin revocation, check-out and a
// renewed identity's predecessor all come here.
import {
  workflowInfo,
  allHandlersFinished,
  condition,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { PkiActivities, RevocationTarget } from '../activities/pki/pki.activities.js';
import type { RevocationReason } from '../core/pki/crl.js';
import { requireAdminStart } from './admin-command-proof.js';
import { installOnEveryEdge } from './install-on-edges.js';

export type RevocationInput = RevocationTarget & { reason?: RevocationReason };

/** What the admin is told: how many certificates were revoked, and whether every edge refuses them yet. */
export interface RevocationOutcome {
  revoked: number;
  everyEdge: boolean;
}

/** How long the answer waits for the edges once the core has recorded the revocation. */
const EDGE_WAIT = '5 seconds';

/**
 * Answers once the core has recorded the revocation and published the CRL, and every edge has it — or, if an
 * edge is down, after EDGE_WAIT: the admin learns it is revoked either way, and that edge gets it when it is back.
 */
export const revocationRecordedUpdate = defineUpdate<RevocationOutcome>('revocationRecorded');

export async function revocationWorkflow(input: RevocationInput): Promise<{ revoked: number }> {
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const state: { recorded?: { revoked: number }; everyEdge: boolean } = { everyEdge: false };
  setHandler(revocationRecordedUpdate, async () => {
    await condition(() => state.recorded !== undefined);
    await condition(() => state.everyEdge, EDGE_WAIT);
    return { ...state.recorded!, everyEdge: state.everyEdge };
  });
  // A check-out revokes as the device workflow's child; any other start must be the admin API's.
  if (!workflowInfo().parent) await requireAdminStart('revocationWorkflow', input);
  const revocation = await pki.revokeAndPublish(input);
  state.recorded = { revoked: revocation.revoked.length };
  await installOnEveryEdge(revocation);
  state.everyEdge = true;
  await condition(allHandlersFinished);
  return state.recorded;
}
