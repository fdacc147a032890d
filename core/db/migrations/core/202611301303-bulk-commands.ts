// Commands queued to many devices with one admin call: the request, and each target device's command or refusal.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('bulk_commands')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    // The caller's key: the same key from the same caller is the same bulk command, never a second one.
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    // A digest of the request: the key reused for another command is refused, not taken for a retry.
    .addColumn('request_digest', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('request_type', 'text', (c) => c.notNull())
    // The command as built, read back by the fan-out workflow: its input names only the id, so a caller that can
    // start workflows but not write the core schema (a compromised edge) cannot send a command of its own.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('placeholder_uuid', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('bulk_commands_idempotency', ['requested_by', 'idempotency_key'])
    .execute();
  await core
    .createTable('bulk_command_targets')
    .addColumn('bulk_id', 'uuid', (c) => c.notNull().references('core.bulk_commands.id').onDelete('cascade'))
    // Not a foreign key: a refused target may name a device that does not exist.
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('command_uuid', 'text', (c) => c.unique())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'queued', 'refused')`))
    .addColumn('reason', 'text')
    .addPrimaryKeyConstraint('bulk_command_targets_pk', ['bulk_id', 'device_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('bulk_command_targets').execute();
  await db.schema.withSchema('core').dropTable('bulk_commands').execute();
}
