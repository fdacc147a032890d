// Admin command requests: the proof the device workflow checks before it queues a command an Update asked for.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .createTable('admin_command_requests')
    .addColumn('command_uuid', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('payload_sha256', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('admin_command_requests').execute();
}
