// The sync cursor per source: locked for the run, advanced in the same transaction as the data it covers.
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { DirectorySyncState } from '../../core/db/core/directory-sync-state.table.js';

type Db = Kysely<CoreDatabase>;

/** Creates the row if needed and locks it: two syncs of one source never interleave. */
export async function lockSyncState(db: Db, source: string): Promise<DirectorySyncState> {
  await db
    .insertInto('directory_sync_state')
    .values({ source })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return db
    .selectFrom('directory_sync_state')
    .selectAll()
    .where('source', '=', source)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function saveSyncSuccess(
  db: Db,
  source: string,
  values: { cursor: string | null; incrementalRuns: number },
): Promise<void> {
  await db
    .updateTable('directory_sync_state')
    .set({
      cursor: values.cursor,
      incremental_runs: values.incrementalRuns,
      last_success_at: sql<Date>`now()`,
      last_error: null,
      updated_at: sql<Date>`now()`,
    })
    .where('source', '=', source)
    .execute();
}

/** Outside the failed transaction, so the error is visible while the cursor stays where it was. */
export async function saveSyncError(db: Db, source: string, message: string): Promise<void> {
  await db
    .insertInto('directory_sync_state')
    .values({ source, last_error: message })
    .onConflict((oc) =>
      oc.column('source').doUpdateSet({ last_error: message, updated_at: sql<Date>`now()` }),
    )
    .execute();
}

export async function readSyncState(db: Db, source: string): Promise<DirectorySyncState | undefined> {
  return db.selectFrom('directory_sync_state').selectAll().where('source', '=', source).executeTakeFirst();
}
