// The edge's `enrollments` table holds Apple MDM enrollments only (UDID, bound certificate, APNs token):
// named for that, so another platform's enrollments get their own table beside it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('enrollments').renameTo('apple_enrollments').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('apple_enrollments').renameTo('enrollments').execute();
}
