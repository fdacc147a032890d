// Which bound certificate a renewed identity replaces, so the edge can rebind the enrollment when the device uses it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .alterTable('issued_identities')
    .addColumn('renewal_of', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('issued_identities').dropColumn('renewal_of').execute();
}
