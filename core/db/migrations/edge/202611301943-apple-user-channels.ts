// The macOS user channel: each user's push token (from the user's TokenUpdate), and a command queue row's
// channel (`user_id`: null for the device channel), so a command for a user is fetched only on that user's channel.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .createTable('apple_user_channels')
    .addColumn('enrollment_id', 'uuid', (c) =>
      c.notNull().references('edge.apple_enrollments.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('short_name', 'text')
    .addColumn('push_token', 'bytea', (c) => c.notNull())
    .addColumn('push_magic', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('apple_user_channels_pkey', ['enrollment_id', 'user_id'])
    .execute();
  await db.schema.withSchema('edge').alterTable('command_queue').addColumn('user_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('command_queue').dropColumn('user_id').execute();
  await db.schema.withSchema('edge').dropTable('apple_user_channels').execute();
}
