// Windows at the edge: enrolments (bound to the certificate issued at enrolment) and the OMA-DM command queue.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const edge = db.schema.withSchema('edge');
  await edge
    .createTable('windows_enrollments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('device_id', 'uuid', (c) => c.notNull())
    .addColumn('hardware_id', 'text', (c) => c.notNull().unique())
    .addColumn('cert_fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('enrolled', 'unenrolled')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('first_session_at', 'timestamptz')
    .addColumn('last_seen_at', 'timestamptz')
    .addColumn('push_channel_uri', 'text')
    .addColumn('push_expired_at', 'timestamptz')
    .execute();
  await edge
    .createTable('windows_commands')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'uuid', (c) =>
      c.notNull().references('edge.windows_enrollments.id').onDelete('cascade'),
    )
    .addColumn('command_uuid', 'text', (c) => c.notNull())
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('session_id', 'text')
    .addColumn('msg_id', 'integer')
    .addColumn('first_cmd_id', 'integer')
    .addColumn('last_cmd_id', 'integer')
    .addColumn('result', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('windows_commands_enrollment_uuid', ['enrollment_id', 'command_uuid'])
    .execute();
  await edge
    .createIndex('windows_commands_open')
    .on('windows_commands')
    .columns(['enrollment_id', 'id'])
    .where(sql.ref('status'), 'in', ['queued', 'sent'])
    .execute();
  await edge
    .createIndex('windows_commands_finished')
    .on('windows_commands')
    .column('finished_at')
    .where('finished_at', 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['windows_commands', 'windows_enrollments'])
    await db.schema.withSchema('edge').dropTable(table).execute();
}
