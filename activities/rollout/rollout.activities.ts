// A rollout's core-side steps, each one bulk statement whatever the fleet size: place the target set in waves,
// release a wave, read progress, record the status. Devices are told through the policy fan-out's activities.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import {
  rolloutProgress,
  rolloutTargetSet,
  waveEnds,
  type RolloutPlan,
  type RolloutRunState,
  type RolloutStatus,
  type WaveProgress,
} from '../../core/rollout/index.js';
import { workflowIds } from '../../core/temporal/task-queues.js';

export function createRolloutActivities(deps: { db: Kysely<CoreDatabase> }) {
  const { db } = deps;
  return {
    /**
     * What a run of the rollout's workflow acts on, all from the core DB: the rollout the admin API recorded, its
     * plan, and the state the previous run saved. Refused to any workflow but the rollout's own (Temporal keeps
     * one running per id) and to a rollout that ended, so a workflow started by the edge cannot drive one.
     */
    async openRollout(input: { rolloutId: string }): Promise<{
      policyId: string;
      plan: RolloutPlan;
      state: RolloutRunState | null;
      recorded: Pick<RolloutRunState, 'wave' | 'status' | 'reason' | 'revision'>;
    }> {
      const run = Context.current().info.workflowExecution;
      if (run?.workflowId !== workflowIds.rollout(input.rolloutId))
        throw ApplicationFailure.nonRetryable("not the rollout's own workflow", 'NotTheRolloutsWorkflow');
      const rollout = await db
        .selectFrom('rollouts')
        .selectAll()
        .where('id', '=', input.rolloutId)
        .executeTakeFirst();
      if (!rollout) throw ApplicationFailure.nonRetryable('no such rollout', 'NoSuchRollout');
      if (rollout.status === 'completed' || rollout.status === 'aborted')
        throw ApplicationFailure.nonRetryable(`the rollout is ${rollout.status}`, 'RolloutEnded');
      return {
        policyId: rollout.policy_id,
        plan: rollout.plan,
        state: rollout.run_state,
        recorded: {
          wave: rollout.current_wave,
          status: rollout.status,
          reason: rollout.reason,
          revision: rollout.revision,
        },
      };
    },

    /** Keeps a run's state for the next one (continue-as-new), which reads it with openRollout. */
    async saveRolloutRun(input: { rolloutId: string; state: RolloutRunState }): Promise<void> {
      await db
        .updateTable('rollouts')
        .set({ run_state: JSON.stringify(input.state) })
        .where('id', '=', input.rolloutId)
        .execute();
    },

    /**
     * Resolves the target set once and records each device's wave, in device-id order (ids are random UUIDs,
     * so a wave is a random sample of the fleet). A retry finds the rows written and changes nothing.
     */
    async prepareRollout(input: { rolloutId: string }): Promise<{ waveCount: number; targeted: number }> {
      return db.transaction().execute(async (tx) => {
        const rollout = await tx
          .selectFrom('rollouts')
          .selectAll()
          .where('id', '=', input.rolloutId)
          .forUpdate()
          .executeTakeFirst();
        if (!rollout) throw ApplicationFailure.nonRetryable('no such rollout', 'NoSuchRollout');
        const placed = await tx
          .selectFrom('rollout_devices')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('rollout_id', '=', rollout.id)
          .executeTakeFirstOrThrow();
        if (Number(placed.n) > 0) return { waveCount: rollout.wave_count, targeted: Number(placed.n) };
        const assignments = await tx
          .selectFrom('policy_assignments')
          .selectAll()
          .where('policy_id', '=', rollout.policy_id)
          .execute();
        const targetSet = () =>
          rolloutTargetSet(tx, assignments, rollout.removal ? rollout.assignment_id : null);
        const total = Number(
          (
            await targetSet()
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
        // A canary by label: the labelled devices of the target set rank first, and make the first wave.
        const first = rollout.plan.waves[0];
        const canaryLabel = first && 'label' in first ? first.label : undefined;
        const carries = sql<boolean>`exists (select 1 from core.device_labels l where l.device_id = devices.id and l.label = ${canaryLabel ?? null})`;
        const labelled =
          canaryLabel === undefined
            ? 0
            : Number(
                (
                  await targetSet()
                    .where(carries)
                    .select((eb) => eb.fn.countAll<string>().as('n'))
                    .executeTakeFirstOrThrow()
                ).n,
              );
        const ends = waveEnds(total, rollout.plan.waves, labelled);
        if (ends.length > 0) {
          const wave = sql<number>`case ${sql.join(
            ends.map((end, i) => sql`when n <= ${sql.lit(end)} then ${sql.lit(i)}`),
            sql` `,
          )} end`;
          const ranked = targetSet().select([
            'devices.id',
            sql<number>`row_number() over (order by ${carries} desc, devices.id)`.as('n'),
          ]);
          await tx
            .insertInto('rollout_devices')
            .columns(['rollout_id', 'device_id', 'wave'])
            .expression(
              tx
                .selectFrom(ranked.as('ranked'))
                .select([sql.lit(rollout.id).as('rollout_id'), 'ranked.id', wave.as('wave')]),
            )
            .execute();
        }
        await tx
          .updateTable('rollouts')
          .set({ wave_count: ends.length })
          .where('id', '=', rollout.id)
          .execute();
        return { waveCount: ends.length, targeted: total };
      });
    },

    /** From now on (while the rollout is active) the wave's devices desire the new version, or none (a removal). */
    async releaseRolloutWave(input: { rolloutId: string; wave: number }): Promise<{ released: number }> {
      return db.transaction().execute(async (tx) => {
        const released = await tx
          .updateTable('rollout_devices')
          .set({ released_at: sql<Date>`now()` })
          .where('rollout_id', '=', input.rolloutId)
          .where('wave', '=', input.wave)
          .where('released_at', 'is', null)
          .executeTakeFirst();
        await tx
          .updateTable('rollouts')
          .set({ current_wave: input.wave, updated_at: new Date() })
          .where('id', '=', input.rolloutId)
          .execute();
        return { released: Number(released.numUpdatedRows) };
      });
    },

    async readRolloutProgress(input: { rolloutId: string }): Promise<WaveProgress[]> {
      return rolloutProgress(db, input.rolloutId);
    },

    /**
     * Records the status the workflow decided; a write with an older revision than the one stored is dropped.
     * Completing releases the new version as the policy's own, so devices that join later get it too; completing a
     * removal deletes the assignments it withdrew.
     */
    async recordRolloutStatus(input: {
      rolloutId: string;
      status: RolloutStatus;
      reason: string | null;
      revision: number;
    }): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const updated = await tx
          .updateTable('rollouts')
          .set({
            status: input.status,
            reason: input.reason,
            revision: input.revision,
            updated_at: new Date(),
          })
          .where('id', '=', input.rolloutId)
          .where('revision', '<', input.revision)
          .returning(['policy_id', 'to_version', 'removal', 'assignment_id'])
          .executeTakeFirst();
        if (!updated || input.status !== 'completed') return;
        if (updated.removal) {
          // Withdrawn for good: the next recompute finds the devices no longer selected.
          let withdrawn = tx.deleteFrom('policy_assignments').where('policy_id', '=', updated.policy_id);
          if (updated.assignment_id) withdrawn = withdrawn.where('id', '=', updated.assignment_id);
          await withdrawn.execute();
          return;
        }
        await tx
          .updateTable('policies')
          .set((eb) => ({
            released_version: eb
              .case()
              .when('latest_version', '=', updated.to_version)
              .then(sql<number | null>`null`)
              .else(updated.to_version)
              .end(),
          }))
          .where('id', '=', updated.policy_id)
          .execute();
      });
    },
  };
}

export type RolloutActivities = ReturnType<typeof createRolloutActivities>;
