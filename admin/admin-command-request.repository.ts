// Records an admin's command request (or action on a process workflow) in the core schema before the workflow is
// asked for it: the row is the proof the workflow checks (activities/device/admin-command-proof.activities.ts).
import type { Kysely } from 'kysely';
import {
  payloadSha256,
  type AdminActionClaim,
  type AdminCommandClaim,
} from '../core/device/admin-command-proof.js';
import type { CoreDatabase } from '../core/db/core-database.js';

export { recordAdminStart } from '../core/device/admin-start.repository.js';

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

/** An action's proof: no payload (its hash is of the empty string), the target named instead of a device. */
export async function recordAdminAction(db: Kysely<CoreDatabase>, claim: AdminActionClaim): Promise<void> {
  await db
    .insertInto('admin_command_requests')
    .values({
      command_uuid: claim.requestId,
      device_id: null,
      request_type: claim.action,
      target_kind: claim.targetKind,
      target_id: claim.targetId,
      payload_sha256: payloadSha256(''),
      requested_by: claim.requestedBy,
    })
    .execute();
}
