// Staged rollouts of a policy version: the rollout, each targeted device's wave, and the version a policy's
// devices hold when no rollout has released another to them.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  // Null: the latest version is released to every device; set while a newer version is staged for a rollout.
  await core.alterTable('policies').addColumn('released_version', 'integer').execute();
  await core
    .createTable('rollouts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('policy_id', 'uuid', (c) => c.notNull().references('core.policies.id').onDelete('cascade'))
    .addColumn('from_version', 'integer', (c) => c.notNull())
    .addColumn('to_version', 'integer', (c) => c.notNull())
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('running', 'paused', 'awaiting-approval', 'completed', 'aborted')`),
    )
    .addColumn('reason', 'text')
    .addColumn('current_wave', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('wave_count', 'integer', (c) => c.notNull())
    // Status writes carry the workflow's revision, so an older write landing late never undoes a newer one.
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One rollout in progress per policy: two would each decide the version of the same devices.
  await sql`create unique index rollouts_one_active on core.rollouts (policy_id)
    where status in ('running', 'paused', 'awaiting-approval')`.execute(db);
  await core
    .createTable('rollout_devices')
    .addColumn('rollout_id', 'uuid', (c) => c.notNull().references('core.rollouts.id').onDelete('cascade'))
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('wave', 'integer', (c) => c.notNull())
    // Set when the device's wave is released: from then on (while the rollout runs) it holds the new version.
    .addColumn('released_at', 'timestamptz')
    .addPrimaryKeyConstraint('rollout_devices_pk', ['rollout_id', 'device_id'])
    .execute();
  await core
    .createIndex('rollout_devices_wave')
    .on('rollout_devices')
    .columns(['rollout_id', 'wave'])
    .execute();
  await core.createIndex('rollout_devices_device').on('rollout_devices').column('device_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core.dropTable('rollout_devices').execute();
  await core.dropTable('rollouts').execute();
  await core.alterTable('policies').dropColumn('released_version').execute();
}
