// Checks, in the core, that a command or action an Update asks a workflow for was recorded by the admin API: the
// edge holds Temporal credentials and could send the Update, but cannot write the core schema.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import {
  actionMismatch,
  claimMismatch,
  payloadSha256,
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
  /** The calling workflow run and activity: a one-use request is used by it, and its own retry passes. */
  function caller(): { workflowId: string; key: string } {
    const { workflowExecution: run, activityId } = Context.current().info;
    if (!run) throw refused('not asked by a workflow', 'request');
    return { workflowId: run.workflowId, key: `${run.workflowId}/${run.runId}/${activityId}` };
  }
  async function useUp(requestId: string, key: string): Promise<void> {
    const used = await deps.db
      .updateTable('admin_command_requests')
      .set({ consumed_by: key })
      .where('command_uuid', '=', requestId)
      .where((eb) => eb.or([eb('consumed_by', 'is', null), eb('consumed_by', '=', key)]))
      .executeTakeFirst();
    if (used.numUpdatedRows === 0n) throw refused('the request was already used', 'request');
  }
  const recordedRequest = (requestId: string) =>
    deps.db
      .selectFrom('admin_command_requests')
      .selectAll()
      .where('command_uuid', '=', requestId)
      .executeTakeFirst();

  return {
    async checkAdminCommand(claim: AdminCommandClaim): Promise<void> {
      const recorded = await recordedRequest(claim.commandUuid);
      const mismatch = recorded ? claimMismatch(recorded, claim) : 'no recorded request';
      if (mismatch) throw refused(mismatch, 'command');
    },

    /**
     * Checks an action's recorded request and uses it up: the edge can read past Updates in the histories, so a
     * request proves one action only.
     */
    async useAdminAction(claim: AdminActionClaim): Promise<void> {
      const { key } = caller();
      const recorded = await recordedRequest(claim.requestId);
      const mismatch = recorded ? actionMismatch(recorded, claim) : 'no recorded request';
      if (mismatch) throw refused(mismatch, 'action');
      await useUp(claim.requestId, key);
    },

    /**
     * For a workflow only an admin may start (its id is the request id): the admin API recorded this workflow
     * type with this very input (its SHA-256), so a workflow the edge starts, or one started again, is refused.
     */
    async useAdminStart(claim: { workflowType: string; input: unknown }): Promise<void> {
      const { workflowId, key } = caller();
      const recorded = await recordedRequest(workflowId);
      const mismatch = !recorded
        ? 'no recorded request'
        : recorded.target_kind !== 'workflow' || recorded.request_type !== `start ${claim.workflowType}`
          ? 'workflow'
          : recorded.target_id !== payloadSha256(JSON.stringify(claim.input))
            ? 'input'
            : undefined;
      if (mismatch) throw refused(mismatch, 'workflow');
      await useUp(workflowId, key);
    },
  };
}

export type AdminCommandProofActivities = ReturnType<typeof createAdminCommandProofActivities>;
