// BitLocker recovery information found in the directory that no Windows device could be matched to: kept per
// computer object, so an admin sees what was not escrowed and why, and the next import retries it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .createTable('bitlocker_unmatched')
    .addColumn('computer_dn', 'text', (c) => c.primaryKey())
    .addColumn('computer_name', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('passwords', 'integer', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('bitlocker_unmatched').execute();
}
