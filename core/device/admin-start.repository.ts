// Records a start of a workflow only an admin (or the core itself) may start, in the core schema the edge cannot
// write: the row is the proof the workflow's first step checks (activities/device/admin-command-proof.activities.ts).
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../db/core-database.js';
import { payloadSha256 } from './admin-command-proof.js';

/**
 * A workflow only an admin may start: recorded under its workflow id, with the SHA-256 of its input as the
 * workflow serialises it (JSON), which the workflow's first step checks.
 */
export async function recordAdminStart(
  db: Kysely<CoreDatabase>,
  start: { workflowId: string; workflowType: string; input: unknown; requestedBy: string },
): Promise<void> {
  await db
    .insertInto('admin_command_requests')
    .values({
      command_uuid: start.workflowId,
      device_id: null,
      request_type: `start ${start.workflowType}`,
      target_kind: 'workflow',
      target_id: payloadSha256(JSON.stringify(start.input)),
      payload_sha256: payloadSha256(''),
      requested_by: start.requestedBy,
    })
    // A retried start (same workflow id) is the same proof; another input under that id keeps the first, and the
    // workflow refuses it for its input.
    .onConflict((oc) => oc.column('command_uuid').doNothing())
    .execute();
}
