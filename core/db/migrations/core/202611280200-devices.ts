// The device inventory, device commands and escrowed bootstrap tokens.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('devices')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('enrollment_id', 'uuid')
    .addColumn('udid', 'text')
    .addColumn('serial_number', 'text')
    .addColumn('name', 'text')
    .addColumn('model', 'text')
    .addColumn('os_version', 'text')
    .addColumn('enrollment_status', 'text', (c) => c.notNull())
    .addColumn('facts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('enrolled_at', 'timestamptz')
    .addColumn('last_seen_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core.createIndex('devices_udid').on('devices').column('udid').execute();
  await core.createIndex('devices_serial').on('devices').column('serial_number').execute();
  await core
    .createTable('device_commands')
    .addColumn('command_uuid', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb')
    .addColumn('error_chain', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core
    .createIndex('device_commands_device')
    .on('device_commands')
    .columns(['device_id', 'created_at'])
    .execute();
  await core
    .createTable('bootstrap_tokens')
    .addColumn('device_id', 'uuid', (c) => c.primaryKey().references('core.devices.id').onDelete('cascade'))
    .addColumn('sealed_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['bootstrap_tokens', 'device_commands', 'devices']) {
    await db.schema.withSchema('core').dropTable(table).execute();
  }
}
