// The SCEP RA certificate a rotation replaced: the key stays, and a device that fetched the old certificate is
// still answered under it until it expires.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .alterTable('scep_ra')
    .addColumn('previous_certificate_der', 'bytea')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').alterTable('scep_ra').dropColumn('previous_certificate_der').execute();
}
