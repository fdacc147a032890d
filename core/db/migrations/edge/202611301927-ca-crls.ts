// One CRL per issuing CA at the edge, served at /pki/crl/<issuer key id> (the URL each certificate names).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .createTable('ca_crls')
    .addColumn('issuer_key_id', 'text', (c) => c.primaryKey())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').dropTable('ca_crls').execute();
}
