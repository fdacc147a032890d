// Keep's CA: CA keys (sealed), the issued-certificate registry, SCEP challenges and published CRLs.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('ca_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) =>
      c.notNull().check(sql`purpose in ('root', 'issuing', 'profile-signing', 'escrow', 'scep-ra')`),
    )
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('sealed_private_key', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Rotation adds a new row and deactivates the old one; two active keys for one purpose is a bug.
  await core
    .createIndex('ca_keys_one_active')
    .on('ca_keys')
    .column('purpose')
    .unique()
    .where(sql.ref('active'), '=', true)
    .execute();

  await core
    .createTable('certificates')
    .addColumn('serial_hex', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('device_id', 'uuid')
    .addColumn('enrollment_id', 'uuid')
    .addColumn('not_before', 'timestamptz', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('sha256_fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('challenge_hash', 'text', (c) => c.unique())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revocation_reason', 'text')
    .execute();
  await core.createIndex('certificates_device').on('certificates').column('device_id').execute();
  await core
    .createIndex('certificates_revoked')
    .on('certificates')
    .column('revoked_at')
    .where(sql.ref('revoked_at'), 'is not', null)
    .execute();

  await core
    .createTable('scep_challenges')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('bound_kind', 'text', (c) => c.notNull().check(sql`bound_kind in ('enrollment', 'device')`))
    .addColumn('bound_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core.createIndex('scep_challenges_expiry').on('scep_challenges').column('expires_at').execute();

  await core
    .createTable('crl_state')
    .addColumn('number', 'integer', (c) => c.primaryKey())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('next_update', 'timestamptz', (c) => c.notNull())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  for (const table of ['crl_state', 'scep_challenges', 'certificates', 'ca_keys'])
    await core.dropTable(table).execute();
}
