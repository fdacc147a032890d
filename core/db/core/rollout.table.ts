// Staged rollouts of a policy version (core/rollout) and the wave of each device they target.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { RolloutPlan, RolloutStatus } from '../../rollout/rollout-plan.js';
import type { RolloutRunState } from '../../rollout/rollout-run-state.js';

export interface RolloutTable {
  id: string;
  policy_id: string;
  /** The version devices held before (and get back on abort). */
  from_version: number;
  to_version: number;
  /** A removal: each device of a wave has the policy withdrawn (to_version is then the version it held). */
  removal: Generated<boolean>;
  /** The assignment a removal withdraws on completion; null for every assignment of the policy. */
  assignment_id: ColumnType<string | null, string | null | undefined, never>;
  plan: ColumnType<RolloutPlan, string, never>;
  status: RolloutStatus;
  /** Why it paused (a failed gate, or who paused it); null while it runs. */
  reason: string | null;
  current_wave: Generated<number>;
  wave_count: number;
  revision: Generated<number>;
  /** The workflow's state when its last run continued as new; null before. */
  run_state: ColumnType<RolloutRunState | null, never, string>;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RolloutDeviceTable {
  rollout_id: string;
  device_id: string;
  wave: number;
  released_at: Date | null;
}

export type Rollout = Selectable<RolloutTable>;
