// Policies in core.policies and their versions in core.policy_versions: a new version on every change.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { PolicyRow, PolicyVersionRow } from '../../core/db/core/policy.table.js';
import { policyContentHash, type Policy } from '../../core/policy/index.js';
import { isUuid } from '../ids.js';
import { activeRolloutOf } from '../rollout/rollout.repository.js';

export interface StoredVersion {
  policy: PolicyRow;
  version: PolicyVersionRow;
  /** False when the content equals the latest version's: nothing new was stored. */
  created: boolean;
}

/** A new version released to every device would overtake the rollout deciding the same devices' version. */
export class RolloutInProgressError extends Error {
  override readonly name = 'RolloutInProgressError';
}

/**
 * Stores `document` as the next version of the policy of its name (the first for a new name). Released, it is
 * what every assigned device gets; staged, devices keep the released version (0: none) until a rollout.
 */
export async function storePolicyVersion(
  db: Kysely<CoreDatabase>,
  document: Policy,
  createdBy: string,
  options: { staged?: boolean } = {},
): Promise<StoredVersion> {
  const hash = policyContentHash(document);
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('policies')
      .values({ name: document.name, latest_version: 0 })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    // Locked, so two admins saving at once get versions n+1 and n+2, never two n+1.
    const policy = await tx
      .selectFrom('policies')
      .selectAll()
      .where('name', '=', document.name)
      .forUpdate()
      .executeTakeFirstOrThrow();
    // A deleted policy's name stored again brings it back, unassigned, with its versions.
    if (policy.deleted_at !== null) {
      await tx.updateTable('policies').set({ deleted_at: null }).where('id', '=', policy.id).execute();
      policy.deleted_at = null;
    }
    const latest = await tx
      .selectFrom('policy_versions')
      .selectAll()
      .where('policy_id', '=', policy.id)
      .where('version', '=', policy.latest_version)
      .executeTakeFirst();
    if (latest?.content_hash === hash) return { policy, version: latest, created: false };
    if (!options.staged && (await activeRolloutOf(tx, policy.id)))
      throw new RolloutInProgressError(
        'a rollout of this policy is in progress: store the version with ?staged=true, or abort the rollout first',
      );
    const next = policy.latest_version + 1;
    const version = await tx
      .insertInto('policy_versions')
      .values({
        policy_id: policy.id,
        version: next,
        document: JSON.stringify({ ...document, version: next }),
        content_hash: hash,
        created_by: createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const updated = await tx
      .updateTable('policies')
      .set({
        latest_version: next,
        released_version: options.staged ? (policy.released_version ?? policy.latest_version) : null,
      })
      .where('id', '=', policy.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { policy: updated, version, created: true };
  });
}

export async function listPolicies(db: Kysely<CoreDatabase>): Promise<PolicyRow[]> {
  return db
    .selectFrom('policies')
    .selectAll()
    .where('latest_version', '>', 0)
    .where('deleted_at', 'is', null)
    .orderBy('name')
    .execute();
}

/**
 * Deletes the policy: every assignment withdrawn (its devices then have it removed) and the policy left out of
 * the list. False when there is no such policy (or it is deleted); refused while a rollout of it runs.
 */
export async function deletePolicy(db: Kysely<CoreDatabase>, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return db.transaction().execute(async (tx) => {
    const policy = await tx
      .selectFrom('policies')
      .select(['id', 'deleted_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!policy || policy.deleted_at !== null) return false;
    if (await activeRolloutOf(tx, id))
      throw new RolloutInProgressError('a rollout of this policy is in progress: abort it first');
    await tx.deleteFrom('policy_assignments').where('policy_id', '=', id).execute();
    await tx.updateTable('policies').set({ deleted_at: new Date() }).where('id', '=', id).execute();
    return true;
  });
}

export async function findPolicy(db: Kysely<CoreDatabase>, id: string): Promise<PolicyRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPolicyVersion(
  db: Kysely<CoreDatabase>,
  policyId: string,
  version: number,
): Promise<PolicyVersionRow | undefined> {
  return db
    .selectFrom('policy_versions')
    .selectAll()
    .where('policy_id', '=', policyId)
    .where('version', '=', version)
    .executeTakeFirst();
}
