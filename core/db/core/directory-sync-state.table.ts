// Where each directory sync resumes: the cursor advances in the same transaction as the data it covers.
import type { Generated, Selectable } from 'kysely';

export interface DirectorySyncStateTable {
  source: string;
  /** uSNChanged (AD) or modifyTimestamp (OpenLDAP) of the newest entry already stored. */
  cursor: string | null;
  last_success_at: Date | null;
  last_error: string | null;
  /** Runs since the last full sync; the next full sync is due when it reaches directory.fullSyncEvery. */
  incremental_runs: Generated<number>;
  updated_at: Generated<Date>;
}

export type DirectorySyncState = Selectable<DirectorySyncStateTable>;
