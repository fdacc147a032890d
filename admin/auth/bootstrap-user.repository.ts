// The directory user a console session signed in with the bootstrap token belongs to (sessions need one).
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';

/**
 * OIDC users' external ids are `<issuer URL>#<sub>`, so this one can never be an identity provider's. The user
 * holds no grant; the session carries the bootstrap token's `admin` role as its claim role.
 */
const BOOTSTRAP_EXTERNAL_ID = 'keep:bootstrap-token';

export async function bootstrapUserId(db: Kysely<CoreDatabase>): Promise<string> {
  const row = await db
    .insertInto('directory_users')
    .values({
      source: 'oidc',
      external_id: BOOTSTRAP_EXTERNAL_ID,
      username: BOOTSTRAP_EXTERNAL_ID,
      email: null,
      display_name: 'Bootstrap token',
      department: null,
      attributes: JSON.stringify({}),
      deleted_at: null,
    })
    .onConflict((oc) => oc.columns(['source', 'external_id']).doUpdateSet({ updated_at: new Date() }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Switching the bootstrap token off ends the sessions it opened: a disabled user's session is not live. */
export async function disableBootstrapUser(db: Kysely<CoreDatabase>): Promise<void> {
  await db
    .updateTable('directory_users')
    .set({ disabled: true, updated_at: new Date() })
    .where('source', '=', 'oidc')
    .where('external_id', '=', BOOTSTRAP_EXTERNAL_ID)
    .execute();
}

/** Whether a session belongs to the bootstrap token's user (its sessions end when the settings switch it off). */
export async function isBootstrapUser(db: Kysely<CoreDatabase>, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('directory_users')
    .select('id')
    .where('id', '=', userId)
    .where('source', '=', 'oidc')
    .where('external_id', '=', BOOTSTRAP_EXTERNAL_ID)
    .executeTakeFirst();
  return row !== undefined;
}
