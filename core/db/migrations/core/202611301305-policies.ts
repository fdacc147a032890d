// Policies as desired state: versioned documents, their assignments, each device's desired set, the profiles
// Keep installed on it, and per-setting compliance proven by the device's answers.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  // The OS family a policy targets ("macOS", "iOS", "iPadOS"), read from the device's own product name, once,
  // so targeting in SQL and translation in code agree.
  await sql`
    alter table core.devices add column os_platform text generated always as (
      case when platform = 'apple' then
        case
          when coalesce(facts->'deviceInformation'->>'ProductName', facts->'authenticate'->>'ProductName') like 'iPad%' then 'iPadOS'
          when coalesce(facts->'deviceInformation'->>'ProductName', facts->'authenticate'->>'ProductName') similar to '(iPhone|iPod)%' then 'iOS'
          when coalesce(facts->'deviceInformation'->>'ProductName', facts->'authenticate'->>'ProductName') like '%Mac%' then 'macOS'
        end
      end
    ) stored`.execute(db);
  await core
    .createTable('policies')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core
    .createTable('policy_versions')
    .addColumn('policy_id', 'uuid', (c) => c.notNull().references('core.policies.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('policy_versions_pk', ['policy_id', 'version'])
    .execute();
  await core
    .createTable('policy_assignments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('policy_id', 'uuid', (c) => c.notNull().references('core.policies.id').onDelete('cascade'))
    .addColumn('team_id', 'uuid', (c) => c.references('core.teams.id').onDelete('cascade'))
    .addColumn('platforms', sql`text[]`)
    .addColumn('min_os_version', 'text')
    .addColumn('max_os_version', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await core.createIndex('policy_assignments_policy').on('policy_assignments').column('policy_id').execute();
  await core
    .createTable('device_policies')
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('policy_id', 'uuid', (c) => c.notNull().references('core.policies.id').onDelete('cascade'))
    // Null: withdrawn, its profiles still to be removed from the device.
    .addColumn('version', 'integer')
    .addColumn('fanout_id', 'uuid', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('device_policies_pk', ['device_id', 'policy_id'])
    .execute();
  await core
    .createIndex('device_policies_fanout')
    .on('device_policies')
    .columns(['fanout_id', 'device_id'])
    .execute();
  await core
    .createTable('device_policy_profiles')
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'uuid', (c) => c.notNull())
    .addColumn('setting', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('sent', 'installed', 'missing', 'failed')`),
    )
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('verified_at', 'timestamptz')
    .addPrimaryKeyConstraint('device_policy_profiles_pk', ['device_id', 'identifier'])
    .execute();
  await core
    .createTable('device_policy_compliance')
    .addColumn('device_id', 'uuid', (c) => c.notNull().references('core.devices.id').onDelete('cascade'))
    .addColumn('policy_id', 'uuid', (c) => c.notNull().references('core.policies.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('setting', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('compliant', 'failing', 'unknown', 'not-applicable')`),
    )
    .addColumn('reason', 'text')
    .addColumn('proven_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('device_policy_compliance_pk', ['device_id', 'policy_id', 'setting'])
    .execute();
  await core
    .createIndex('device_policy_compliance_policy')
    .on('device_policy_compliance')
    .columns(['policy_id', 'setting', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const core = db.schema.withSchema('core');
  for (const table of [
    'device_policy_compliance',
    'device_policy_profiles',
    'device_policies',
    'policy_assignments',
    'policy_versions',
    'policies',
  ])
    await core.dropTable(table).execute();
  await sql`alter table core.devices drop column os_platform`.execute(db);
}
