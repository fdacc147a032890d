// Apple MDM at the edge: enrollments, the command queue, command results and the relay outbox.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const edge = db.schema.withSchema('edge');
  await edge
    .createTable('enrollments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('device_id', 'uuid', (c) => c.notNull())
    .addColumn('udid', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('device', 'user-enrollment')`))
    .addColumn('cert_fingerprint', 'text', (c) => c.notNull())
    .addColumn('topic', 'text')
    .addColumn('push_token', 'bytea')
    .addColumn('push_magic', 'text')
    .addColumn('push_disabled_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await edge
    .createTable('command_queue')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'uuid', (c) =>
      c.notNull().references('edge.enrollments.id').onDelete('cascade'),
    )
    .addColumn('command_uuid', 'text', (c) => c.notNull())
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('body', 'bytea', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(100))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('command_queue_enrollment_uuid', ['enrollment_id', 'command_uuid'])
    .execute();
  await edge
    .createIndex('command_queue_next')
    .on('command_queue')
    .columns(['enrollment_id', 'priority', 'id'])
    .where(sql.ref('status'), 'in', ['queued', 'not-now', 'sent'])
    .execute();
  await edge
    .createIndex('command_queue_finished')
    .on('command_queue')
    .column('finished_at')
    .where('finished_at', 'is not', null)
    .execute();
  await edge
    .createTable('command_results')
    .addColumn('enrollment_id', 'uuid', (c) => c.notNull())
    .addColumn('command_uuid', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('body', 'bytea', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('command_results_pk', ['enrollment_id', 'command_uuid'])
    .execute();
  await edge
    .createTable('outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('device_id', 'uuid', (c) => c.notNull())
    .addColumn('enrollment_id', 'uuid', (c) => c.notNull())
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('relayed_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await edge
    .createTable('push_certificates')
    .addColumn('topic', 'text', (c) => c.primaryKey())
    .addColumn('cert_pem', 'text', (c) => c.notNull())
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await edge
    .createIndex('outbox_pending')
    .on('outbox')
    .column('id')
    .where(sql.ref('relayed_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['push_certificates', 'outbox', 'command_results', 'command_queue', 'enrollments']) {
    await db.schema.withSchema('edge').dropTable(table).execute();
  }
}
