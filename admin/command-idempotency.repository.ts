// Idempotency keys of device commands (core.command_idempotency_keys): which command a key names, and whether the
// device workflow confirmed it.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { CommandIdempotencyKey } from '../core/db/core/command-idempotency-key.table.js';

export function findCommandIdempotencyKey(
  db: Kysely<CoreDatabase>,
  requestedBy: string,
  idempotencyKey: string,
): Promise<CommandIdempotencyKey | undefined> {
  return db
    .selectFrom('command_idempotency_keys')
    .selectAll()
    .where('requested_by', '=', requestedBy)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

/** Whether this request took the key; false when another request with the same key took it first. */
export async function claimCommandIdempotencyKey(
  db: Kysely<CoreDatabase>,
  row: Pick<
    CommandIdempotencyKey,
    'requested_by' | 'idempotency_key' | 'device_id' | 'request_sha256' | 'command_uuid' | 'payload'
  >,
): Promise<boolean> {
  const inserted = await db
    .insertInto('command_idempotency_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['requested_by', 'idempotency_key']).doNothing())
    .returning('command_uuid')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The command is queued: a retry answers at once, and the payload (maybe a sealed secret) is no longer kept. */
export async function markCommandQueued(db: Kysely<CoreDatabase>, commandUuid: string): Promise<void> {
  await db
    .updateTable('command_idempotency_keys')
    .set({ queued_at: new Date(), payload: null })
    .where('command_uuid', '=', commandUuid)
    .where('queued_at', 'is', null)
    .execute();
}
