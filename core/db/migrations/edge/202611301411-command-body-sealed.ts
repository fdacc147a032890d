// Command bodies (Apple's and Windows') are sealed at rest with the edge key ring: `body_key_id` names the ring key (null: a body queued
// before this change, in clear, or one purged after the device's final answer).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('command_queue').addColumn('body_key_id', 'text').execute();
  await db.schema
    .withSchema('edge')
    .alterTable('windows_commands')
    .addColumn('body_key_id', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('windows_commands').dropColumn('body_key_id').execute();
  await db.schema.withSchema('edge').alterTable('command_queue').dropColumn('body_key_id').execute();
}
