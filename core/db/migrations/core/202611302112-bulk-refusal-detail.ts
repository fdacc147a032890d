// A bulk command's target the platform refuses (a device-wide command to a User Enrollment) is recorded with the
// platform's reason in words, so the progress read later says why as the accepting call did.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core.bulk_command_targets add column detail text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core.bulk_command_targets drop column detail`.execute(db);
}
