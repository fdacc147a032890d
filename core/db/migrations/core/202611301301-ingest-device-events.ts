// Every device event the core has ingested, keyed by where it came from (edge queue + outbox id), so a batch
// relayed twice is written once; `wake_pending` marks events a device workflow must still be told about.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('device_events')
    .addColumn('edge_queue', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'bigint', (c) => c.notNull())
    .addColumn('device_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('wake_pending', 'boolean', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('device_events_pk', ['edge_queue', 'outbox_id'])
    .execute();
  await core
    .createIndex('device_events_wake_pending')
    .on('device_events')
    .columns(['edge_queue', 'outbox_id'])
    .where(sql.ref('wake_pending'), '=', true)
    .execute();
  await core.createIndex('device_events_received').on('device_events').column('received_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('device_events').execute();
}
