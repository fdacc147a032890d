// Rollouts of a removal: a policy (or one of its assignments) withdrawn from its devices in waves.
import { type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .alterTable('rollouts')
    .addColumn('removal', 'boolean', (c) => c.notNull().defaultTo(false))
    // The assignment withdrawn; null withdraws every assignment of the policy. No foreign key: it is deleted
    // when the rollout completes, and the rollout's record stays.
    .addColumn('assignment_id', 'uuid')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .withSchema('core')
    .alterTable('rollouts')
    .dropColumn('assignment_id')
    .dropColumn('removal')
    .execute();
}
