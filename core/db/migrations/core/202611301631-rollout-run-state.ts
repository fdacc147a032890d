// A rollout workflow's state between runs lives in the core DB, not in the continue-as-new input: a workflow
// started by anyone else than the core (the edge holds Temporal credentials) cannot hand itself a state.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('rollouts').addColumn('run_state', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('core').alterTable('rollouts').dropColumn('run_state').execute();
}
