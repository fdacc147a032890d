// core.rollouts for the admin API: record a rollout (one in progress per policy), read and list them.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Rollout } from '../../core/db/core/rollout.table.js';
import { ACTIVE_ROLLOUT_STATUSES, type RolloutPlan } from '../../core/rollout/index.js';

/** Undefined when another rollout of the policy is in progress. */
export async function insertRollout(
  db: Kysely<CoreDatabase>,
  rollout: {
    id: string;
    policyId: string;
    fromVersion: number;
    toVersion: number;
    /** A removal (of `assignmentId`, or of every assignment of the policy) rather than a new version. */
    removal?: { assignmentId: string | null };
    plan: RolloutPlan;
    createdBy: string;
  },
): Promise<Rollout | undefined> {
  return db
    .insertInto('rollouts')
    .values({
      id: rollout.id,
      policy_id: rollout.policyId,
      from_version: rollout.fromVersion,
      to_version: rollout.toVersion,
      removal: rollout.removal !== undefined,
      assignment_id: rollout.removal?.assignmentId ?? null,
      plan: JSON.stringify(rollout.plan),
      status: 'running',
      reason: null,
      wave_count: 0,
      created_by: rollout.createdBy,
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.column('policy_id').where('status', 'in', ACTIVE_ROLLOUT_STATUSES).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function deleteRollout(db: Kysely<CoreDatabase>, id: string): Promise<void> {
  await db.deleteFrom('rollouts').where('id', '=', id).execute();
}

export async function findRollout(db: Kysely<CoreDatabase>, id: string): Promise<Rollout | undefined> {
  return db.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRollouts(db: Kysely<CoreDatabase>, policyId?: string): Promise<Rollout[]> {
  let query = db.selectFrom('rollouts').selectAll().orderBy('created_at', 'desc').limit(500);
  if (policyId) query = query.where('policy_id', '=', policyId);
  return query.execute();
}

export async function activeRolloutOf(
  db: Kysely<CoreDatabase>,
  policyId: string,
): Promise<Rollout | undefined> {
  return db
    .selectFrom('rollouts')
    .selectAll()
    .where('policy_id', '=', policyId)
    .where('status', 'in', ACTIVE_ROLLOUT_STATUSES)
    .executeTakeFirst();
}
