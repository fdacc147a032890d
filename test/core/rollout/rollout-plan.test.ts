import { describe, expect, it } from 'vitest';
import { judgeWave, rolloutPlanSchema, rolloutTransition, waveEnds } from '../../../core/rollout/index.js';

const plan = rolloutPlanSchema.parse({ waves: [{ count: 1 }, { percent: 100 }] });
const wave = { wave: 0, targeted: 10, sent: 10, acknowledged: 10, verified: 10, failed: 0, notApplicable: 0 };

describe('rollout waves', () => {
  it('places a canary by count, then percentages of the whole set, the last wave taking the rest', () => {
    expect(waveEnds(1000, [{ count: 10 }, { percent: 50 }, { percent: 90 }])).toEqual([10, 500, 1000]);
  });
  it('rounds a percentage up so a small fleet still gets a wave, and drops waves that reach nobody new', () => {
    expect(waveEnds(3, [{ count: 1 }, { percent: 10 }, { percent: 100 }])).toEqual([1, 3]);
    expect(waveEnds(0, [{ count: 1 }, { percent: 100 }])).toEqual([]);
  });
  it('makes a canary of the labelled devices, placed first, before the other waves', () => {
    expect(waveEnds(100, [{ label: 'canary' }, { percent: 50 }, { percent: 100 }], 3)).toEqual([3, 50, 100]);
    expect(waveEnds(100, [{ label: 'canary' }, { count: 10 }, { percent: 100 }], 3)).toEqual([3, 13, 100]);
  });
  it('takes a label only as the first wave, and only with a wave after it, naming the wave', () => {
    const issues = (waves: unknown) =>
      rolloutPlanSchema.safeParse({ waves }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues([{ count: 1 }, { label: 'canary' }])).toEqual([
      'waves.1.label: only the first wave may be a label',
    ]);
    expect(issues([{ label: 'canary' }])).toEqual(['waves.0.label: a canary by label needs a wave after it']);
    expect(issues([{ label: 'canary' }, { percent: 100 }])).toBeUndefined();
  });
  it('defaults to no failure allowed, every device verified, within an hour', () => {
    expect(plan.gates).toEqual({ maxFailedPercent: 0, minVerifiedPercent: 100, timeLimitSeconds: 3600 });
  });
});

describe('a wave gate', () => {
  it('passes a verified wave once its soak time is over, not before', () => {
    const soaking = { ...plan, minSoakSeconds: 60 };
    expect(judgeWave(wave, soaking, 30)).toEqual({ kind: 'wait' });
    expect(judgeWave(wave, soaking, 60)).toEqual({ kind: 'pass' });
  });
  it('fails when more devices failed than allowed, naming the wave and the shares', () => {
    const gates = { ...plan.gates, maxFailedPercent: 10 };
    expect(judgeWave({ ...wave, failed: 2, verified: 8 }, { ...plan, gates }, 1)).toEqual({
      kind: 'fail',
      reason: 'wave 1: 2 of 10 devices failed (20% > 10%)',
    });
  });
  it('waits for unverified devices until the time limit, then fails saying how many were verified', () => {
    const slow = { ...wave, verified: 4 };
    expect(judgeWave(slow, plan, 10)).toEqual({ kind: 'wait' });
    expect(judgeWave(slow, plan, 3600)).toEqual({
      kind: 'fail',
      reason: 'wave 1: 4 of 10 devices verified within 3600 s (40% < 100%)',
    });
  });
  it('counts devices a policy does not apply to as healthy', () => {
    expect(judgeWave({ ...wave, verified: 7, notApplicable: 3 }, plan, 0)).toEqual({ kind: 'pass' });
  });
});

describe('rollout transitions', () => {
  it('approves only a paused or waiting rollout, and aborts anything not finished', () => {
    expect(rolloutTransition('awaiting-approval', 'approve')).toEqual({ to: 'running' });
    expect(rolloutTransition('running', 'approve')).toEqual({
      refused: 'the rollout is running: it cannot approve',
    });
    expect(rolloutTransition('paused', 'abort')).toEqual({ to: 'aborted' });
    expect(rolloutTransition('completed', 'abort')).toHaveProperty('refused');
    expect(rolloutTransition('running', 'resume')).toHaveProperty('refused');
  });
});
