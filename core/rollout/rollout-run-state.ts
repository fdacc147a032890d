// What one run of the rollout workflow hands the next (continue-as-new), kept in core.rollouts.run_state: the
// next run reads it from the core DB, so no caller of Temporal can hand a run a state of its own.
import type { WaveProgress } from './rollout-gate.js';
import type { RolloutStatus } from './rollout-plan.js';

export interface RolloutRunState {
  waveCount: number;
  wave: number;
  /** The current wave was released and its devices told. */
  released: boolean;
  /** When the current wave's clock started (release, or a resume after a failed gate). */
  waveStartedAt: number;
  /** An admin approved: the failed gate is accepted and the next wave may go without asking again. */
  approved: boolean;
  status: RolloutStatus;
  reason: string | null;
  revision: number;
  progress: WaveProgress[];
}
