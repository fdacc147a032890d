// The vault: every escrowed device secret, envelope-encrypted (its own data key, wrapped by the KMS), versioned.
// core.bootstrap_tokens stays until each token is moved into the vault on its first read (the key ring it was
// sealed with lives in the settings, not in the migration).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .createTable('vault_secrets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('current', 'superseded')`))
    .addColumn('kek_id', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('superseded_at', 'timestamptz')
    .addColumn('checked_at', 'timestamptz')
    .addColumn('check_error', 'text')
    .addUniqueConstraint('vault_secrets_version', ['device_id', 'kind', 'version'])
    .execute();
  // One current secret per device and kind: two escrows racing cannot both win.
  await sql`create unique index vault_secrets_one_current on core.vault_secrets (device_id, kind)
    where state = 'current'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('vault_secrets').execute();
}
