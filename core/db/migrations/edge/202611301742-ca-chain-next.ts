// CA rollover: the edge marks the issuing CA that is coming (published, not yet issuing), which GetNextCACert
// answers with.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .alterTable('ca_chain')
    .addColumn('next', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('ca_chain').dropColumn('next').execute();
}
