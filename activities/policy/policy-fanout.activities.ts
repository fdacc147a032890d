// The fan-out of a policy change: recompute in bulk which devices hold which version of the policy, then
// tell those devices' workflows a page at a time (DESIGN §3), never one pending signal per device in a workflow.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { targetOf } from '../../core/policy/index.js';
import { desiredVersion } from '../../core/policy/desired-version.query.js';
import { devicesMatching } from '../../core/policy/policy-target.query.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { POLICIES_CHANGED_SIGNAL } from '../../core/policy/policies-changed-signal.js';

export function createPolicyFanOutActivities(deps: { db: Kysely<CoreDatabase> }) {
  const { db } = deps;
  return {
    /**
     * Devices the assignments select get their desired version (`desiredVersion`: the released one, or what a
     * rollout released to them); devices they no longer select, or a rollout of a removal reached, get theirs
     * withdrawn (version null, removed from the device by its workflow). Rows that change are stamped with
     * `fanoutId`, so a retry stamps the same rows and the paging below finds exactly them (with `everyDevice`,
     * every row of the policy).
     */
    async recomputePolicyDevices(input: {
      policyId: string;
      fanoutId: string;
      /** Stamp every device holding the policy, changed or not, so each proves its state again. */
      everyDevice?: boolean;
    }): Promise<{ changed: number }> {
      const { policyId, fanoutId } = input;
      return db.transaction().execute(async (tx) => {
        const policy = await tx
          .selectFrom('policies')
          .select('id')
          .where('id', '=', policyId)
          .forUpdate()
          .executeTakeFirst();
        if (!policy) return { changed: 0 };
        const targets = (
          await tx.selectFrom('policy_assignments').selectAll().where('policy_id', '=', policyId).execute()
        ).map(targetOf);
        // Selected and not reached by a rollout of a removal: the devices that should hold the policy.
        const holding = () =>
          devicesMatching(tx, targets)
            .select('devices.id')
            .where((eb) => eb(desiredVersion(eb, policyId), 'is not', null));
        const matching = holding();
        const assigned = await tx
          .insertInto('device_policies')
          .columns(['device_id', 'policy_id', 'version', 'fanout_id'])
          .expression(
            matching.select((eb) => [
              sql.lit(policyId).as('policy_id'),
              desiredVersion(eb, policyId).as('version'),
              sql.lit(fanoutId).as('fanout_id'),
            ]),
          )
          .onConflict((oc) =>
            oc
              .columns(['device_id', 'policy_id'])
              .doUpdateSet({
                version: (eb) => eb.ref('excluded.version'),
                fanout_id: fanoutId,
                updated_at: new Date(),
              })
              .where((eb) =>
                eb.or([
                  eb('device_policies.version', 'is', null),
                  eb('device_policies.version', '!=', eb.ref('excluded.version')),
                  eb('device_policies.fanout_id', '=', fanoutId),
                ]),
              ),
          )
          .returning('device_id')
          .execute();
        const withdrawn = await tx
          .updateTable('device_policies')
          .set({ version: null, fanout_id: fanoutId, updated_at: new Date() })
          .where('policy_id', '=', policyId)
          .where('version', 'is not', null)
          .where('device_id', 'not in', holding())
          .returning('device_id')
          .execute();
        if (input.everyDevice)
          await tx
            .updateTable('device_policies')
            .set({ fanout_id: fanoutId })
            .where('policy_id', '=', policyId)
            .execute();
        return { changed: assigned.length + withdrawn.length };
      });
    },

    /** Signals one page of the devices `fanoutId` changed; a device without a running workflow is skipped. */
    async signalPolicyDevices(input: {
      policyId: string;
      fanoutId: string;
      after?: string;
      limit: number;
    }): Promise<{ signalled: number; next?: string }> {
      let query = db
        .selectFrom('device_policies')
        .select('device_id')
        .where('policy_id', '=', input.policyId)
        .where('fanout_id', '=', input.fanoutId)
        .orderBy('device_id')
        .limit(input.limit);
      if (input.after) query = query.where('device_id', '>', input.after);
      const page = (await query.execute()).map((r) => r.device_id);
      const client = Context.current().client;
      const results = await Promise.all(
        page.map((id) =>
          client.workflow
            .getHandle(workflowIds.device(id))
            .signal(POLICIES_CHANGED_SIGNAL)
            .then(
              () => 1,
              // Not enrolled yet, or gone: it computes its policies when it enrols.
              (error: unknown) => {
                if (error instanceof WorkflowNotFoundError) return 0;
                throw error;
              },
            ),
        ),
      );
      const signalled = results.reduce<number>((a, b) => a + b, 0);
      return page.length === input.limit ? { signalled, next: page.at(-1)! } : { signalled };
    },
  };
}

export type PolicyFanOutActivities = ReturnType<typeof createPolicyFanOutActivities>;
