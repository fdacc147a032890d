// Records an admin's command request in the core schema before the device workflow is asked to queue it: the row
// is the proof the workflow checks (activities/device/admin-command-proof.activities.ts).
import type { Kysely } from 'kysely';
import { payloadSha256, type AdminCommandClaim } from '../core/device/admin-command-proof.js';
import type { CoreDatabase } from '../core/db/core-database.js';

export async function recordAdminCommandRequest(
  db: Kysely<CoreDatabase>,
  claim: AdminCommandClaim,
): Promise<void> {
  await db
    .insertInto('admin_command_requests')
    .values({
      command_uuid: claim.commandUuid,
      device_id: claim.deviceId,
      request_type: claim.requestType,
      payload_sha256: payloadSha256(claim.payload),
      requested_by: claim.requestedBy,
    })
    // A retried request (same UUID, same command) is the same proof.
    .onConflict((oc) => oc.column('command_uuid').doNothing())
    .execute();
}
