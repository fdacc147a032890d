// Which version of a policy a selected device should hold: none while an active rollout of a removal has reached
// it, else the version an active rollout released to it, else the policy's released version (the latest, unless
// a newer one is staged for a rollout). The fan-out and a device's own reconcile both ask this, so a rollout's
// waves are never undone by either. Null means the policy is withdrawn from the device.
import { sql, type ExpressionBuilder } from 'kysely';
import type { CoreDatabase } from '../db/core-database.js';
import { ACTIVE_ROLLOUT_STATUSES } from '../rollout/rollout-plan.js';

export function desiredVersion(eb: ExpressionBuilder<CoreDatabase, 'devices'>, policyId: string) {
  const reached = (removal: boolean) =>
    eb
      .selectFrom('rollout_devices')
      .innerJoin('rollouts', 'rollouts.id', 'rollout_devices.rollout_id')
      .whereRef('rollout_devices.device_id', '=', 'devices.id')
      .where('rollouts.policy_id', '=', policyId)
      .where('rollouts.removal', '=', removal)
      .where('rollout_devices.released_at', 'is not', null)
      .where('rollouts.status', 'in', ACTIVE_ROLLOUT_STATUSES);
  const released = reached(false).select('rollouts.to_version').limit(1);
  const baseline = eb
    .selectFrom('policies')
    .select((p) => p.fn.coalesce('policies.released_version', 'policies.latest_version').as('version'))
    .where('policies.id', '=', policyId);
  return eb
    .case()
    .when(eb.exists(reached(true).select('rollout_devices.device_id')))
    .then(sql<number | null>`null`)
    .else(eb.fn.coalesce(released, baseline))
    .end();
}
