// Deleted policies: withdrawn from every device and hidden from the list, but kept (with their versions) for the
// rollouts and audit rows that name them; storing a document of the same name brings the policy back.
import { type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('policies').addColumn('deleted_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('policies').dropColumn('deleted_at').execute();
}
