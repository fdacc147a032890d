// The edge's trust anchors (Keep's CA chain) and the revoked device identities it refuses.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('edge')
    .createTable('ca_chain')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('root', 'issuing')`))
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .withSchema('edge')
    .createTable('revoked_certificates')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('serial', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('edge').dropTable('revoked_certificates').execute();
  await db.schema.withSchema('edge').dropTable('ca_chain').execute();
}
