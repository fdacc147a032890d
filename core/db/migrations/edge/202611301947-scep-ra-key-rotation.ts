// An RA rotation gives the RA a new key: the key being certified waits in `next_sealed_key` (so a retried
// rotation certifies the same one), and the key it replaced stays in `previous_sealed_key` beside the previous
// certificate, so a device that fetched the old RA certificate is still answered until it expires.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .alterTable('scep_ra')
    .addColumn('next_sealed_key', 'text')
    .addColumn('previous_sealed_key', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .alterTable('scep_ra')
    .dropColumn('next_sealed_key')
    .dropColumn('previous_sealed_key')
    .execute();
}
