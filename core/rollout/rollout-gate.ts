// A wave's health gate, judged from its progress in the core DB: pure, so the workflow and tests agree.
import type { RolloutPlan } from './rollout-plan.js';

/** One wave's devices by what they answered (a device counts once, in its latest state). */
export interface WaveProgress {
  wave: number;
  targeted: number;
  /** Released: their desired state holds the new version. */
  sent: number;
  /** Answered the proof (ProfileList) for the new version. */
  acknowledged: number;
  /** Proven compliant with the new version. */
  verified: number;
  /** Answered Error to a profile command since release, or a setting of the new version is failing. */
  failed: number;
  notApplicable: number;
}

export type GateVerdict = { kind: 'pass' } | { kind: 'wait' } | { kind: 'fail'; reason: string };

const percent = (part: number, whole: number) => (whole === 0 ? 0 : (part * 100) / whole);
const shown = (n: number) => `${Math.round(n * 10) / 10}%`;

export function judgeWave(
  progress: WaveProgress,
  plan: Pick<RolloutPlan, 'gates' | 'minSoakSeconds'>,
  elapsedSeconds: number,
): GateVerdict {
  const { targeted, failed } = progress;
  const { gates } = plan;
  const label = `wave ${progress.wave + 1}`;
  const failedShare = percent(failed, targeted);
  if (failedShare > gates.maxFailedPercent)
    return {
      kind: 'fail',
      reason: `${label}: ${failed} of ${targeted} devices failed (${shown(failedShare)} > ${shown(gates.maxFailedPercent)})`,
    };
  const good = progress.verified + progress.notApplicable;
  const goodShare = targeted === 0 ? 100 : percent(good, targeted);
  if (goodShare >= gates.minVerifiedPercent && elapsedSeconds >= plan.minSoakSeconds) return { kind: 'pass' };
  if (elapsedSeconds >= gates.timeLimitSeconds && goodShare < gates.minVerifiedPercent)
    return {
      kind: 'fail',
      reason: `${label}: ${good} of ${targeted} devices verified within ${gates.timeLimitSeconds} s (${shown(goodShare)} < ${shown(gates.minVerifiedPercent)})`,
    };
  return { kind: 'wait' };
}
