// SCEP transaction outcomes at rest (core.scep_transactions): read many at once, record many at once.
import type { Kysely, Transaction } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { SignOutcome } from './pki.activities.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

export async function findScepOutcomes(db: Db, keys: readonly string[]): Promise<Map<string, SignOutcome>> {
  if (!keys.length) return new Map();
  const rows = await db
    .selectFrom('scep_transactions')
    .select(['transaction_key', 'outcome'])
    .where('transaction_key', 'in', keys)
    .execute();
  return new Map(rows.map((row) => [row.transaction_key, row.outcome as SignOutcome]));
}

/** The first outcome recorded for a transaction stands: a concurrent retry that signed too got the same one. */
export async function recordScepOutcomes(
  db: Db,
  outcomes: ReadonlyArray<{ key: string; outcome: SignOutcome }>,
): Promise<void> {
  if (!outcomes.length) return;
  await db
    .insertInto('scep_transactions')
    .values(outcomes.map(({ key, outcome }) => ({ transaction_key: key, outcome: JSON.stringify(outcome) })))
    .onConflict((oc) => oc.column('transaction_key').doNothing())
    .execute();
}

/** Retention: a device polls for minutes, not days. */
export async function deleteScepOutcomesBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('scep_transactions').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
