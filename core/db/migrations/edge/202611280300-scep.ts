// The edge's SCEP RA key and certificate, the identities it issued, and the CRL it publishes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const edge = db.schema.withSchema('edge');
  await edge
    .createTable('scep_ra')
    .addColumn('id', 'integer', (c) =>
      c
        .primaryKey()
        .check(sql`id = 1`)
        .defaultTo(1),
    )
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('certificate_der', 'bytea')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await edge
    .createTable('issued_identities')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'uuid')
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await edge
    .createTable('crl')
    .addColumn('id', 'integer', (c) =>
      c
        .primaryKey()
        .check(sql`id = 1`)
        .defaultTo(1),
    )
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['crl', 'issued_identities', 'scep_ra'])
    await db.schema.withSchema('edge').dropTable(table).execute();
}
