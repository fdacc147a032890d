// Staged rollouts of a policy version over three simulated Macs through the real edge (HTTPS on loopback),
// Postgres, Temporal, the core and a fake APNs: a canary that passes its gates, a canary answering Error that
// pauses the rollout until approved, an abort that rolls changed devices back, and a core worker restarted
// mid-rollout without any device getting the same change twice. Driven and read through the admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreWorker } from '../../activities/core-worker.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 120_000;
const RESTRICTIONS = 'keep.policy.baseline.profile.restrictions';

interface Rollout {
  id: string;
  status: string;
  reason: string | null;
  currentWave: number;
  waveCount: number;
  waves: Array<{ wave: number; targeted: number; sent: number; verified: number; failed: number }>;
}

function baseline(minLength: number, extra: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    name: 'baseline',
    settings: { passcode: { minLength }, screenLock: { idleTimeoutMinutes: 5 }, ...extra },
  };
}

describe('staged rollouts on simulated Macs', { timeout: 600_000 }, () => {
  const { planes, api, enroll } = useAppleE2e({ waitMs: WAIT_MS });
  const macs = [0, 1, 2].map(() => new SimulatedAppleDevice({ kind: 'mac' }));
  /** Device ids in the order a rollout places them in waves (device-id order). */
  let ordered: Array<{ id: string; mac: SimulatedAppleDevice }> = [];
  let policyId = '';
  const versionOn = async (deviceId: string) => {
    const items = (await api('GET', `/v1/devices/${deviceId}/compliance`)).body.items as Array<{
      policyId: string;
      version: number;
      status: string;
    }>;
    return items.find((p) => p.policyId === policyId);
  };
  async function rolloutUntil(id: string, check: (r: Rollout) => boolean): Promise<Rollout> {
    let last: Rollout | undefined;
    return eventually(async () => {
      last = (await api('GET', `/v1/rollouts/${id}`)).body as unknown as Rollout;
      return check(last) ? last : undefined;
    }, WAIT_MS).catch((error: Error) => {
      throw new Error(`${error.message}; last ${JSON.stringify(last)}`, { cause: error });
    });
  }
  const compliantAt = (deviceId: string, version: number) =>
    eventually(async () => {
      const p = await versionOn(deviceId);
      return p?.version === version && p.status === 'compliant' ? p : undefined;
    }, WAIT_MS);
  async function stage(document: unknown): Promise<number> {
    const stored = await api('POST', '/v1/policies?staged=true', document);
    expect(stored.status).toBe(201);
    expect(stored.body.fanOutWorkflowId).toBeNull();
    return stored.body.version as number;
  }
  /** InstallProfile commands each device was sent since `since`. */
  async function installsSince(since: Date): Promise<Map<string, number>> {
    const rows = await planes.database.core.db
      .selectFrom('device_commands')
      .select(['device_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('request_type', '=', 'InstallProfile')
      .where('created_at', '>=', since)
      .groupBy('device_id')
      .execute();
    return new Map(rows.map((r) => [r.device_id, Number(r.n)]));
  }

  beforeAll(async () => {
    const enrolled = [];
    for (const mac of macs) enrolled.push({ id: await enroll(mac), mac });
    ordered = enrolled.sort((a, b) => a.id.localeCompare(b.id));
    const stored = await api('POST', '/v1/policies', baseline(8));
    policyId = stored.body.policyId as string;
    expect((await api('POST', `/v1/policies/${policyId}/assignments`, { platforms: ['macOS'] })).status).toBe(
      201,
    );
    for (const { id } of ordered) await compliantAt(id, 1);
  }, 400_000);

  afterAll(async () => {
    for (const mac of macs) mac.close();
  });

  it('keeps a staged version off every device, and refuses a rollout of the version already released', async () => {
    const refused = await api('POST', '/v1/rollouts', { policyId, version: 1, waves: [{ percent: 100 }] });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/^version: version 1 is already released/);
    expect((await api('POST', '/v1/rollouts', { policyId, waves: [] })).body.error).toMatch(/^waves: /);
  });

  it('rolls a version out whose canary meets its gates through every wave to completion', async () => {
    const version = await stage(baseline(10));
    expect((await versionOn(ordered[0]!.id))?.version).toBe(1);
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      waves: [{ count: 1 }, { percent: 100 }],
      gates: { maxFailedPercent: 0, minVerifiedPercent: 100, timeLimitSeconds: 300 },
      checkIntervalSeconds: 1,
    });
    expect(started.status).toBe(201);
    const done = await rolloutUntil(started.body.id as string, (r) => r.status === 'completed');
    expect(done.waves.map((w) => [w.targeted, w.sent, w.verified, w.failed])).toEqual([
      [1, 1, 1, 0],
      [2, 2, 2, 0],
    ]);
    for (const { id } of ordered) expect((await versionOn(id))?.version).toBe(version);
    const audit = (await api('GET', '/v1/audit?action=rollout.start')).body.items as unknown[];
    expect(audit).toHaveLength(1);
  });

  it('pauses when its canary answers Error, says why, and goes on once approved', async () => {
    const canary = ordered[0]!;
    canary.mac.answerError(['InstallProfile']);
    await stage(baseline(10, { restrictions: { allowCamera: false } }));
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      waves: [{ count: 1 }, { count: 1 }, { percent: 100 }],
      gates: { maxFailedPercent: 0, minVerifiedPercent: 100, timeLimitSeconds: 300 },
      requireApproval: true,
      checkIntervalSeconds: 1,
    });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const paused = await rolloutUntil(id, (r) => r.status === 'paused');
    expect(paused.reason).toBe('wave 1: 1 of 1 devices failed (100% > 0%)');
    expect(paused.currentWave).toBe(0);
    expect((await api('POST', `/v1/rollouts/${id}/resume`)).status).toBe(200);
    // Resumed, the canary is judged again and still failed: paused again, with the same reason.
    await rolloutUntil(id, (r) => r.status === 'paused');
    canary.mac.answerError([]);
    const approved = await api('POST', `/v1/rollouts/${id}/approve`);
    expect(approved.status).toBe(200);
    const waiting = await rolloutUntil(id, (r) => r.status === 'awaiting-approval');
    expect(waiting.reason).toBe('wave 3 waits for approval');
    expect(waiting.waves[1]).toMatchObject({ targeted: 1, verified: 1, failed: 0 });
    expect(ordered[1]!.mac.state.profiles.has(RESTRICTIONS)).toBe(true);
    expect(ordered[2]!.mac.state.profiles.has(RESTRICTIONS)).toBe(false);
    expect((await api('POST', `/v1/rollouts/${id}/resume`)).status).toBe(409);
    // The workflow's own query answers the same live state.
    const live = await planes.temporal.workflow
      .getHandle(`rollout-${id}`)
      .query<{ status: string; wave: number }>('rolloutProgress');
    expect(live).toMatchObject({ status: 'awaiting-approval', wave: 2 });
    // A version released to every device would overtake the rollout: it must be staged.
    const unstaged = await api('POST', '/v1/policies', baseline(14));
    expect(unstaged.status).toBe(409);
  });

  it('rolls the devices it changed back to the version they held when aborted', async () => {
    const active = ((await api('GET', `/v1/rollouts?policyId=${policyId}`)).body.items as Rollout[])[0]!;
    const since = new Date();
    const aborted = await api('POST', `/v1/rollouts/${active.id}/abort`);
    expect(aborted.status).toBe(200);
    expect(aborted.body.status).toBe('aborted');
    await eventually(async () => !ordered[1]!.mac.state.profiles.has(RESTRICTIONS), WAIT_MS);
    for (const { id } of ordered) await compliantAt(id, 2);
    // The device the rollout never reached was not sent anything.
    expect((await installsSince(since)).get(ordered[2]!.id)).toBeUndefined();
    expect((await api('POST', `/v1/rollouts/${active.id}/abort`)).status).toBe(409);
  });

  it('finishes a rollout whose core worker was stopped mid-way, sending no device the same change twice', async () => {
    const since = new Date();
    const version = await stage(baseline(12));
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      waves: [{ count: 1 }, { percent: 100 }],
      minSoakSeconds: 2,
      checkIntervalSeconds: 1,
    });
    const id = started.body.id as string;
    await rolloutUntil(id, (r) => (r.waves[0]?.sent ?? 0) === 1);
    planes.coreWorker.worker.shutdown();
    await planes.coreWorker.done;
    const replacement = await startCoreWorker(planes.coreConfig, planes.coreConfig.core.workflowBundle);
    try {
      await rolloutUntil(id, (r) => r.status === 'completed');
      for (const { id: deviceId } of ordered) await compliantAt(deviceId, version);
      // Only the passcode profile changed: one InstallProfile per device, whatever the restart replayed.
      const installs = await installsSince(since);
      expect(ordered.map(({ id: deviceId }) => installs.get(deviceId))).toEqual([1, 1, 1]);
    } finally {
      await replacement.close();
    }
  });
});
