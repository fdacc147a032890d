// The rollout workflow's Updates and query, declared beside the workflow that handles them (rollout.workflow.ts).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { RolloutStatus, WaveProgress } from '../core/rollout/index.js';

export interface RolloutView {
  status: RolloutStatus;
  /** Why it is paused or waiting; null while it runs. */
  reason: string | null;
  /** The wave in progress (0-based), or `waveCount` once every wave passed. */
  wave: number;
  waveCount: number;
  waves: WaveProgress[];
}

/** Who acts: an admin's subject (recorded as the reason of a pause) and the request the admin API recorded. */
export interface RolloutActor {
  by: string;
  /** The id of the admin API's recorded request (core.admin_command_requests): the proof, used once. */
  requestId: string;
}

export const pauseRolloutUpdate = defineUpdate<RolloutView, [RolloutActor]>('pauseRollout');
export const resumeRolloutUpdate = defineUpdate<RolloutView, [RolloutActor]>('resumeRollout');
/** Accepts the wave that failed its gate, or lets the next wave go when approval is required. */
export const approveRolloutUpdate = defineUpdate<RolloutView, [RolloutActor]>('approveRollout');
/** Stops the rollout and returns every device it changed to the version it held before. */
export const abortRolloutUpdate = defineUpdate<RolloutView, [RolloutActor]>('abortRollout');
export const rolloutProgressQuery = defineQuery<RolloutView>('rolloutProgress');
