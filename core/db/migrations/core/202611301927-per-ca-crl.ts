// One CRL per issuing CA: each certificate records which CA key issued it (its authorityKeyIdentifier), and each
// published CRL which CA signed it. Rows from before stay null and are read from the certificate itself.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('certificates').addColumn('issuer_key_id', 'text').execute();
  await db.schema
    .withSchema('core')
    .createIndex('certificates_issuer_key_id_not_after')
    .on('certificates')
    .columns(['issuer_key_id', 'not_after'])
    .execute();
  await db.schema.withSchema('core').alterTable('crl_state').addColumn('issuer_key_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('crl_state').dropColumn('issuer_key_id').execute();
  await db.schema.withSchema('core').dropIndex('certificates_issuer_key_id_not_after').execute();
  await db.schema.withSchema('core').alterTable('certificates').dropColumn('issuer_key_id').execute();
}
