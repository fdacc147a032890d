// Whether the bootstrap token was switched off through the API (core.admin_bootstrap_token): once off, for good.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import { disableBootstrapUser } from './auth/bootstrap-user.repository.js';

export async function isBootstrapTokenDisabled(db: Kysely<CoreDatabase>): Promise<boolean> {
  const row = await db.selectFrom('admin_bootstrap_token').select('id').executeTakeFirst();
  return row !== undefined;
}

export async function disableBootstrapToken(db: Kysely<CoreDatabase>, by: string, at: Date): Promise<void> {
  await db
    .insertInto('admin_bootstrap_token')
    .values({ id: 1, disabled_at: at, disabled_by: by })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await disableBootstrapUser(db);
}
