// Account-driven enrolment in either mode Apple offers: device enrolment (ADDE) or BYOD User Enrollment. The mode
// is the device's choice at discovery, recorded with the sign-in so every later profile (identity renewal) keeps it,
// as Apple refuses an update that changes it. Rows from before are device enrolments.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table core.apple_sign_ins add column enrollment_mode text
      check (enrollment_mode in ('ADDE', 'BYOD'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core.apple_sign_ins drop column enrollment_mode`.execute(db);
}
