// Keeps the enroll and rollout benchmarks working: each runs end to end with two devices (speed is not checked).
import { describe, expect, it } from 'vitest';
import enroll from './enroll.bench.js';
import rollout from './rollout.bench.js';

describe('the enroll and rollout benchmarks', { timeout: 600_000 }, () => {
  it('enrols two devices from downloaded profiles through SCEP until their inventory is answered', async () => {
    const result = await enroll({ devices: 2, concurrency: 2, fleets: 1, maxSeconds: 240 });
    expect(result.metrics.enrolled?.value).toBe(2);
    expect(result.metrics.workflow_tasks_per_enrolment?.value).toBeGreaterThan(0);
  });

  it('rolls a staged policy out to two devices in waves until every wave is verified', async () => {
    const result = await rollout({ devices: 2, canary: 1, concurrency: 2, fleets: 1, maxSeconds: 240 });
    expect(result.metrics.verified?.value).toBe(2);
    expect(result.metrics.wave_1_devices?.value).toBe(1);
    // Two devices fill the canary and the 50% wave; the plan drops the empty third.
    const waves = Object.entries(result.metrics).filter(([key]) => /^wave_\d_devices$/.test(key));
    expect(waves.map(([, m]) => m.value)).toEqual([1, 1]);
  });
});
