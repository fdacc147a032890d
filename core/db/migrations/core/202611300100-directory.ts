// Directory data in the core (never the edge): users, groups, effective memberships, the sync cursor and a change log.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  await core
    .createTable('directory_users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('ldap', 'scim', 'oidc')`))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('display_name', 'text')
    .addColumn('department', 'text')
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addUniqueConstraint('directory_users_source_external_id', ['source', 'external_id'])
    .execute();
  await core
    .createIndex('directory_users_username')
    .on('directory_users')
    .columns(['source', 'username'])
    .execute();
  // SCIM identity providers look users up by userName; two live SCIM users may not share one.
  await sql`create unique index directory_users_scim_username on core.directory_users (lower(username))
    where source = 'scim' and deleted_at is null`.execute(db);
  await core
    .createTable('directory_groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('ldap', 'scim', 'oidc')`))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('dn', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addUniqueConstraint('directory_groups_source_external_id', ['source', 'external_id'])
    .execute();
  await core
    .createTable('directory_memberships')
    .addColumn('user_id', 'uuid', (c) =>
      c.notNull().references('core.directory_users.id').onDelete('cascade'),
    )
    .addColumn('group_id', 'uuid', (c) =>
      c.notNull().references('core.directory_groups.id').onDelete('cascade'),
    )
    .addColumn('direct', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_memberships_pk', ['user_id', 'group_id'])
    .execute();
  await core
    .createIndex('directory_memberships_group')
    .on('directory_memberships')
    .column('group_id')
    .execute();
  await core
    .createTable('directory_sync_state')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('cursor', 'text')
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('incremental_runs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core
    .createTable('directory_changes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'directory_changes',
    'directory_sync_state',
    'directory_memberships',
    'directory_groups',
    'directory_users',
  ]) {
    await db.schema.withSchema('core').dropTable(table).execute();
  }
}
