// Labels: free-form tags an admin puts on devices ("canary", "kiosk"), and policy assignments that target one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('device_labels')
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('device_labels_pk', ['device_id', 'label'])
    .execute();
  // Targeting asks "which devices carry this label": by label first.
  await core
    .createIndex('device_labels_by_label')
    .on('device_labels')
    .columns(['label', 'device_id'])
    .execute();
  await core.alterTable('policy_assignments').addColumn('label', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core.alterTable('policy_assignments').dropColumn('label').execute();
  await core.dropTable('device_labels').execute();
}
