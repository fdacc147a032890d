// Sign-ins that enrol an Apple device: from Setup Assistant (ADE `configuration_web_url`, for a known serial) or
// account-driven enrolment (an access token handed to the device). The OIDC round trip in progress, then the
// enrolment it started and who signed in. Only hashes of the state and the token are kept.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .createTable('apple_sign_ins')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('serial_number', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.references('core.directory_users.id').onDelete('cascade'))
    .addColumn('enrollment_id', 'uuid', (c) => c.unique())
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('token_expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').dropTable('apple_sign_ins').execute();
}
