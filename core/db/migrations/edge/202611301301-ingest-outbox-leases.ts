// Outbox rows are claimed with a lease, not a transaction held across Temporal: a relayer that dies frees
// its rows when the lease runs out.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('outbox').addColumn('lease_until', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('outbox').dropColumn('lease_until').execute();
}
