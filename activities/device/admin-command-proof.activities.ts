// Checks, in the core, that a command or action an Update asks a workflow for was recorded by the admin API: the
// edge holds Temporal credentials and could send the Update, but cannot write the core schema.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import {
  actionMismatch,
  claimMismatch,
  type AdminActionClaim,
  type AdminCommandClaim,
} from '../../core/device/admin-command-proof.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

const refused = (mismatch: string, type: string) =>
  ApplicationFailure.nonRetryable(
    `the ${type} was not authorised by an admin (${mismatch})`,
    'NotAuthorised',
  );

export function createAdminCommandProofActivities(deps: { db: Kysely<CoreDatabase> }) {
  return {
    async checkAdminCommand(claim: AdminCommandClaim): Promise<void> {
      const recorded = await deps.db
        .selectFrom('admin_command_requests')
        .selectAll()
        .where('command_uuid', '=', claim.commandUuid)
        .executeTakeFirst();
      const mismatch = recorded ? claimMismatch(recorded, claim) : 'no recorded request';
      if (mismatch) throw refused(mismatch, 'command');
    },

    /**
     * Checks an action's recorded request and uses it up: the edge can read past Updates in the histories, so a
     * request proves one action only. Its key is this activity in this run, so the activity's own retry passes.
     */
    async useAdminAction(claim: AdminActionClaim): Promise<void> {
      const { workflowExecution: run, activityId } = Context.current().info;
      if (!run) throw refused('not asked by a workflow', 'action');
      const key = `${run.workflowId}/${run.runId}/${activityId}`;
      const recorded = await deps.db
        .selectFrom('admin_command_requests')
        .selectAll()
        .where('command_uuid', '=', claim.requestId)
        .executeTakeFirst();
      const mismatch = recorded ? actionMismatch(recorded, claim) : 'no recorded request';
      if (mismatch) throw refused(mismatch, 'action');
      const used = await deps.db
        .updateTable('admin_command_requests')
        .set({ consumed_by: key })
        .where('command_uuid', '=', claim.requestId)
        .where((eb) => eb.or([eb('consumed_by', 'is', null), eb('consumed_by', '=', key)]))
        .executeTakeFirst();
      if (used.numUpdatedRows === 0n) throw refused('the request was already used', 'action');
    },
  };
}

export type AdminCommandProofActivities = ReturnType<typeof createAdminCommandProofActivities>;
