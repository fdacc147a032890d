// CA rollover: every CA key row gets a life-cycle state (next → active → retiring → retired) and the rollover
// that introduced it. `active` stays, in step with the state, so that code reading it keeps its meaning.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .alterTable('ca_keys')
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`state in ('next', 'active', 'retiring', 'retired')`),
    )
    .addColumn('rollover_id', 'uuid')
    .execute();
  await sql`update core.ca_keys set state = 'retired' where not active`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .alterTable('ca_keys')
    .dropColumn('state')
    .dropColumn('rollover_id')
    .execute();
}
