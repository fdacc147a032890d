// Which certificate a renewed device identity replaces: each identity is renewed at most once.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core.alterTable('certificates').addColumn('renewal_of', 'text').execute();
  // Unique, so two renewals of one certificate racing each other cannot both be recorded.
  await core
    .createIndex('certificates_renewal_of')
    .on('certificates')
    .column('renewal_of')
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropIndex('certificates_renewal_of').execute();
  await db.schema.withSchema('core').alterTable('certificates').dropColumn('renewal_of').execute();
}
