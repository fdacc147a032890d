// Apple Business Manager in the core: each ABM server entry (key pair, sealed token, cursor, default profile),
// the devices ABM assigned to it, each zero-touch enrollment's progress, and onboarding systems' pre-staging.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('dep_servers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('sealed_token', 'text')
    .addColumn('token_expires_at', 'timestamptz')
    .addColumn('cursor', 'text')
    .addColumn('profile_uuid', 'text')
    .addColumn('last_sync_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core
    .createTable('dep_devices')
    .addColumn('serial_number', 'text', (c) => c.primaryKey())
    .addColumn('id', 'uuid', (c) =>
      c
        .notNull()
        .unique()
        .defaultTo(sql`gen_random_uuid()`),
    )
    .addColumn('server_id', 'uuid', (c) => c.notNull().references('core.dep_servers.id').onDelete('cascade'))
    .addColumn('model', 'text')
    .addColumn('os', 'text')
    .addColumn('device_family', 'text')
    .addColumn('profile_uuid', 'text')
    .addColumn('profile_status', 'text')
    .addColumn('owner', 'text')
    .addColumn('removed_at', 'timestamptz')
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core
    .createTable('zero_touch_enrollments')
    .addColumn('enrollment_id', 'uuid', (c) => c.primaryKey())
    .addColumn('dep_device_id', 'uuid', (c) =>
      c.notNull().references('core.dep_devices.id').onDelete('cascade'),
    )
    .addColumn('device_id', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('waiting-for-device', 'awaiting-configuration', 'configured', 'failed')`),
    )
    .addColumn('reason', 'text')
    .addColumn('owner_user_id', 'uuid')
    .addColumn('teams', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // An onboarding system's pre-staging requests, idempotent by the caller's own key.
  await core
    .createTable('onboarding_requests')
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request', 'jsonb', (c) => c.notNull())
    .addColumn('dep_device_id', 'uuid', (c) =>
      c.notNull().references('core.dep_devices.id').onDelete('cascade'),
    )
    .addColumn('notified_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('onboarding_requests_pk', ['caller', 'key'])
    .execute();
  await core
    .createIndex('onboarding_requests_device')
    .on('onboarding_requests')
    .column('dep_device_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['onboarding_requests', 'zero_touch_enrollments', 'dep_devices', 'dep_servers']) {
    await db.schema.withSchema('core').dropTable(table).execute();
  }
}
