// Idempotency keys of admin command requests: a blind retry (after a 503) names the command it retries.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .createTable('command_idempotency_keys')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('request_sha256', 'text', (c) => c.notNull())
    .addColumn('command_uuid', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text')
    .addColumn('queued_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('command_idempotency_keys_pkey', ['requested_by', 'idempotency_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('command_idempotency_keys').execute();
}
