// The device workflow's own revocations (a check-out, a renewed identity's predecessor) are recorded as starts
// like an admin's, so the revocation workflow checks every start the same way: a workflow of the attacker's that
// starts one as its child proves nothing (only the core's workflows run this activity: activities/core-caller-check.ts).
import type { Kysely } from 'kysely';
import { recordAdminStart } from '../../core/device/admin-start.repository.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

export function createRevocationStartActivities(deps: { db: Kysely<CoreDatabase> }) {
  return {
    async recordRevocationStart(start: { workflowId: string; input: unknown }): Promise<void> {
      await recordAdminStart(deps.db, { ...start, workflowType: 'revocationWorkflow', requestedBy: 'keep' });
    },
  };
}

export type RevocationStartActivities = ReturnType<typeof createRevocationStartActivities>;
