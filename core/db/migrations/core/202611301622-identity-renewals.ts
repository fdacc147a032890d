// Device identity renewals the identity-renewal workflow asked for: one row per identity, so a run never asks a
// device twice within the retry interval, and an admin can see what was asked and what came of it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .createTable('identity_renewals')
    .addColumn('certificate_fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'uuid', (c) => c.notNull())
    .addColumn('device_id', 'uuid', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('command_uuid', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .withSchema('core')
    .createIndex('identity_renewals_run')
    .on('identity_renewals')
    .column('run_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('identity_renewals').execute();
}
