// Admin identity: teams and the devices in them, scoped role grants, sign-in sessions, token expiry, bootstrap switch.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('teams')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core
    .createTable('device_teams')
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('team_id', 'uuid', (c) => c.notNull().references('core.teams.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('device_teams_pk', ['device_id', 'team_id'])
    .execute();
  // Scoped list queries look devices up by team.
  await core.createIndex('device_teams_team').on('device_teams').columns(['team_id', 'device_id']).execute();
  await core
    .createTable('role_grants')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('subject_kind', 'text', (c) =>
      c.notNull().check(sql`subject_kind in ('user', 'group', 'token')`),
    )
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('team_id', 'uuid', (c) => c.references('core.teams.id').onDelete('cascade'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core
    .createIndex('role_grants_subject')
    .on('role_grants')
    .columns(['subject_kind', 'subject_id'])
    .execute();
  await core
    .createTable('admin_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) =>
      c.notNull().references('core.directory_users.id').onDelete('cascade'),
    )
    .addColumn('claim_roles', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await core
    .createTable('admin_oidc_logins')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core
    .createTable('admin_bootstrap_token')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('disabled_at', 'timestamptz', (c) => c.notNull())
    .addColumn('disabled_by', 'text', (c) => c.notNull())
    .execute();
  await core
    .alterTable('api_tokens')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('team_id', 'uuid', (c) => c.references('core.teams.id').onDelete('cascade'))
    .execute();
  // Tokens made before expiry existed get the default maximum, counted from their creation.
  await sql`UPDATE core.api_tokens SET expires_at = created_at + interval '90 days'`.execute(db);
  await core
    .alterTable('api_tokens')
    .alterColumn('expires_at', (c) => c.setNotNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .alterTable('api_tokens')
    .dropColumn('team_id')
    .dropColumn('expires_at')
    .execute();
  for (const table of [
    'admin_bootstrap_token',
    'admin_oidc_logins',
    'admin_sessions',
    'role_grants',
    'device_teams',
    'teams',
  ]) {
    await db.schema.withSchema('core').dropTable(table).execute();
  }
}
