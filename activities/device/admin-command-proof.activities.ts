// Checks, in the core, that a command an Update asks the device workflow to queue was recorded by the admin API:
// the edge holds Temporal credentials and could send the Update, but cannot write the core schema.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { claimMismatch, type AdminCommandClaim } from '../../core/device/admin-command-proof.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

export function createAdminCommandProofActivities(deps: { db: Kysely<CoreDatabase> }) {
  return {
    async checkAdminCommand(claim: AdminCommandClaim): Promise<void> {
      const recorded = await deps.db
        .selectFrom('admin_command_requests')
        .selectAll()
        .where('command_uuid', '=', claim.commandUuid)
        .executeTakeFirst();
      const mismatch = recorded ? claimMismatch(recorded, claim) : 'no recorded request';
      if (mismatch) {
        throw ApplicationFailure.nonRetryable(
          `the command was not authorised by an admin (${mismatch})`,
          'CommandNotAuthorised',
        );
      }
    },
  };
}

export type AdminCommandProofActivities = ReturnType<typeof createAdminCommandProofActivities>;
