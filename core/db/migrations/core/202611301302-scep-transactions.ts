// SCEP transaction outcomes, recorded by the batch signer and read back by GetCertInitial.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('scep_transactions')
    .addColumn('transaction_key', 'text', (c) => c.primaryKey())
    .addColumn('outcome', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Retention deletes by age.
  await core.createIndex('scep_transactions_created').on('scep_transactions').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('scep_transactions').execute();
}
