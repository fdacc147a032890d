import { describe, expect, it } from 'vitest';
import { formatRollout, formatRolloutList, type RolloutView } from '../../../cli/rollout/format-rollout.js';

const rollout: RolloutView = {
  id: 'r1',
  policyId: 'p1',
  fromVersion: 1,
  toVersion: 2,
  status: 'paused',
  reason: 'wave 1: 1 of 1 devices failed (100% > 0%)',
  currentWave: 0,
  waveCount: 2,
  waves: [
    { wave: 0, targeted: 1, sent: 1, acknowledged: 1, verified: 0, failed: 1, notApplicable: 0 },
    { wave: 1, targeted: 120, sent: 0, acknowledged: 0, verified: 0, failed: 0, notApplicable: 0 },
  ],
};

describe('rollout output', () => {
  it('shows the status, the reason and a table of waves, numbered from 1', () => {
    expect(formatRollout(rollout)).toBe(
      [
        'r1  paused, wave 1 of 2  policy p1 v1 -> v2',
        '  reason: wave 1: 1 of 1 devices failed (100% > 0%)',
        '  wave  targeted  sent  acknowledged  verified  failed  n/a',
        '     1         1     1             1         0       1    0',
        '     2       120     0             0         0       0    0',
      ].join('\n'),
    );
  });

  it('lists one line per rollout, and says when there is none', () => {
    expect(formatRolloutList([{ ...rollout, status: 'completed', reason: null, currentWave: 2 }])).toBe(
      'r1  completed, wave 2 of 2  policy p1 v1 -> v2',
    );
    expect(formatRolloutList([])).toBe('No rollouts.');
  });
});
