// Revokes certificates (`revocation-<uuid>`): the core records it and publishes a CRL, then every edge the core
// serves refuses the identity and serves the new CRL. The one way to revoke: admin revocation, check-out and a
// renewed identity's predecessor all come here.
import {
  workflowInfo,
  allHandlersFinished,
  condition,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { PkiActivities, RevocationTarget } from '../activities/pki/pki.activities.js';
import type { RevocationReason } from '../core/pki/crl.js';
import { requireAdminStart } from './admin-command-proof.js';
import { installOnEveryEdge } from './install-on-edges.js';

/** The patch (shared with the device workflow) from which a child revocation's start is recorded and checked. */
export const CHILD_START_RECORDED = 'revocation-child-start-recorded';

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
  // Every start is recorded, the device workflow's own (check-out, renewal) as an admin's: a parent proves nothing,
  // since anyone with the namespace's credentials can start this as a child of a workflow of their own. Children
  // started before the device workflow recorded them replay as they ran.
  if (!workflowInfo().parent || patched(CHILD_START_RECORDED))
    await requireAdminStart('revocationWorkflow', input);
  const revocation = await pki.revokeAndPublish(input);
  state.recorded = { revoked: revocation.revoked.length };
  await installOnEveryEdge(revocation);
  state.everyEdge = true;
  await condition(allHandlersFinished);
  return state.recorded;
}
