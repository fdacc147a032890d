// The relay outbox: events written in the same transaction as what they describe, relayed at least once.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DeviceEvent } from '../../core/device/device-event.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { OutboxRow } from '../../core/db/edge/outbox.table.js';

type Db = Kysely<EdgeDatabase> | Transaction<EdgeDatabase>;

export async function addDeviceEvent(db: Db, deviceId: string, event: DeviceEvent): Promise<void> {
  await db
    .insertInto('outbox')
    .values({ device_id: deviceId, enrollment_id: event.enrollmentId, event: JSON.stringify(event) })
    .execute();
}

/**
 * Candidates for a claim: pending rows no relayer holds (no live lease, no row lock), oldest first, with their
 * size. Row-locked until the caller's transaction ends, which is only as long as the claim takes.
 */
export function claimable(
  db: Transaction<EdgeDatabase>,
  limit: number,
): Promise<Array<OutboxRow & { bytes: number }>> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .select(sql<number>`octet_length(event::text)`.as('bytes'))
    .where('relayed_at', 'is', null)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Holds the rows for this relayer until `leaseMs` from now; another relayer may take them after that. */
export async function lease(db: Db, ids: readonly string[], leaseMs: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ lease_until: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where('id', 'in', ids)
    .execute();
}

/** The oldest pending event of each device, leased, locked or not: a relayer may only start a device there. */
export function oldestPending(
  db: Db,
  deviceIds: readonly string[],
): Promise<Array<{ device_id: string; first: string }>> {
  if (deviceIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('outbox')
    .select((eb) => ['device_id', eb.fn.min('id').as('first')])
    .where('relayed_at', 'is', null)
    .where('device_id', 'in', deviceIds)
    .groupBy('device_id')
    .execute();
}

/**
 * Relayed: the core holds the event now, so a command's answer (sealed, or in clear) is dropped from the
 * row; retention keeps the rest (kind, command UUID, status, times).
 */
export async function markRelayed(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length)
    await db
      .updateTable('outbox')
      // Neutral events keep it under `data`; rows from before they were neutral, at the top.
      .set({
        relayed_at: new Date(),
        event: sql`(((event #- '{data,result}') #- '{data,sealedResult}') #- '{data,errorChain}') - 'result' - 'errorChain' - 'sealedResult'`,
      })
      .where('id', 'in', ids)
      .execute();
}

export async function markFailed(db: Db, ids: readonly string[], error: string): Promise<void> {
  if (!ids.length) return;
  await db
    .updateTable('outbox')
    // The lease ends with the failure: the next drain may try again at once.
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500), lease_until: null }))
    .where('id', 'in', ids)
    .execute();
}

export async function pruneRelayed(db: Db, olderThan: Date): Promise<number> {
  const res = await db.deleteFrom('outbox').where('relayed_at', '<', olderThan).executeTakeFirst();
  return Number(res.numDeletedRows);
}
