// Root rollover: a successor root row carries the cross-certificate in which the root it replaces certifies its
// key, published beside it so that devices trusting only the old root keep chaining to identities under it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .alterTable('ca_keys')
    .addColumn('cross_certificate_pem', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('ca_keys').dropColumn('cross_certificate_pem').execute();
}
