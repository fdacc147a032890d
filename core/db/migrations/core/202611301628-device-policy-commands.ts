// The MDM commands Keep sent a device for its policies (app installs and removals, OS updates), so each is sent
// once per content and its outcome and the device's later answers (installed apps) can be judged.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .createTable('device_policy_commands')
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('policy_id', 'uuid', (c) => c.notNull().references('core.policies.id').onDelete('cascade'))
    // The policy path the command enforces, e.g. `apps[0]` or `osUpdates[1]`.
    .addColumn('setting', 'text', (c) => c.notNull())
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    // The policy version it was sent for: an Error answer is retried only for another version.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('command_uuid', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('sent', 'installed', 'missing')`))
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('verified_at', 'timestamptz')
    .addPrimaryKeyConstraint('device_policy_commands_pk', ['device_id', 'policy_id', 'setting'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('device_policy_commands').execute();
}
