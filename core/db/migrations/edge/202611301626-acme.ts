// ACME at the edge: nonces every replica sees, accounts and orders (issue 19).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const edge = db.schema.withSchema('edge');
  await edge
    .createTable('acme_nonces')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await edge.createIndex('acme_nonces_expires_at').on('acme_nonces').column('expires_at').execute();
  await edge
    .createTable('acme_accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('thumbprint', 'text', (c) => c.notNull().unique())
    .addColumn('jwk', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await edge
    .createTable('acme_orders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) =>
      c.notNull().references('edge.acme_accounts.id').onDelete('cascade'),
    )
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('challenge_status', 'text', (c) => c.notNull())
    .addColumn('error', 'jsonb')
    .addColumn('attestation', 'text')
    .addColumn('attested_key', 'bytea')
    .addColumn('certificate_chain', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await edge.createIndex('acme_orders_account').on('acme_orders').column('account_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['acme_orders', 'acme_accounts', 'acme_nonces'])
    await db.schema.withSchema('edge').dropTable(table).execute();
}
