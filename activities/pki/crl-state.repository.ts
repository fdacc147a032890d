// Published CRLs (core.crl_state): the latest one, and recording the next.
import type { Kysely, Transaction } from 'kysely';
import type { CrlState, NewCrlState } from '../../core/db/core/crl-state.table.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

export async function findLatestCrl(db: Db): Promise<CrlState | undefined> {
  return db.selectFrom('crl_state').selectAll().orderBy('number', 'desc').limit(1).executeTakeFirst();
}

/** Fails with a unique violation when another publisher already took this number. */
export async function recordCrl(db: Db, row: NewCrlState): Promise<void> {
  await db.insertInto('crl_state').values(row).execute();
}
