// Admin requests name any target, not only a device: a rollout's pause/resume/approve/abort is proven by the same
// row the device workflow checks for a command, and such a request is used once (the edge can read old Updates in
// the histories and would otherwise replay them).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const table = db.schema.withSchema('core').alterTable('admin_command_requests');
  await table.alterColumn('device_id', (c) => c.dropNotNull()).execute();
  await table.addColumn('target_kind', 'text').execute();
  await table.addColumn('target_id', 'text').execute();
  await table.addColumn('consumed_by', 'text').execute();
  await sql`alter table core.admin_command_requests add constraint admin_command_requests_target
    check (device_id is not null or (target_kind is not null and target_id is not null))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from core.admin_command_requests where device_id is null`.execute(db);
  const table = db.schema.withSchema('core').alterTable('admin_command_requests');
  await table.dropConstraint('admin_command_requests_target').execute();
  await table.dropColumn('consumed_by').execute();
  await table.dropColumn('target_id').execute();
  await table.dropColumn('target_kind').execute();
  await table.alterColumn('device_id', (c) => c.setNotNull()).execute();
}
