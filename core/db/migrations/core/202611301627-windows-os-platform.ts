// Windows PCs get `os_platform = 'windows'`, so a policy assignment filtered by platform selects them. A stored
// generated column's expression cannot be altered before Postgres 17, so the column is dropped and added again.
import { sql, type Kysely } from 'kysely';

const APPLE_PRODUCT = sql.raw(
  `coalesce(facts->'deviceInformation'->>'ProductName', facts->'authenticate'->>'ProductName')`,
);

async function osPlatform(db: Kysely<unknown>, windows: boolean): Promise<void> {
  await sql`alter table core.devices drop column os_platform`.execute(db);
  await sql`
    alter table core.devices add column os_platform text generated always as (
      case
        when platform = 'apple' then
          case
            when ${APPLE_PRODUCT} like 'iPad%' then 'iPadOS'
            when ${APPLE_PRODUCT} similar to '(iPhone|iPod)%' then 'iOS'
            when ${APPLE_PRODUCT} like '%Mac%' then 'macOS'
          end
        ${windows ? sql`when platform = 'windows' then 'windows'` : sql``}
      end
    ) stored`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await osPlatform(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await osPlatform(db, false);
}
