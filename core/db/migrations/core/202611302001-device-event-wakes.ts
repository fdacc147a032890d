// A wake the device-events workflow owes is kept with its event, so a run that ends (history limit, terminated,
// reset) before handing it over leaves it recoverable: the next run reads the owed wakes back from here.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('device_events').addColumn('wake_event', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('device_events').dropColumn('wake_event').execute();
}
