// A removal rolled out in waves over two simulated supervised Macs through the real edge, Postgres, Temporal and
// the core: each device of a released wave has the policy's profiles removed, the app Keep installed for it
// removed (the user's own kept) and its compliance gone, proven by its ProfileList and InstalledApplicationList;
// an abort applies the policy again; a removal run to completion deletes the assignment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 120_000;
const PASSCODE = 'keep.policy.baseline.profile.passcode';
const APP = { identifier: 'com.example.app', name: 'App', version: '7', shortVersion: '7.0', bundleSize: 1 };

interface Rollout {
  id: string;
  status: string;
  reason: string | null;
  removal: boolean;
  waves: Array<{
    wave: number;
    targeted: number;
    sent: number;
    acknowledged: number;
    verified: number;
    failed: number;
  }>;
}

const baseline = {
  schemaVersion: 1,
  name: 'baseline',
  settings: {
    passcode: { minLength: 8 },
    apps: [{ bundleId: APP.identifier, action: 'install', appStoreId: '123456' }],
  },
};

describe('a removal rolled out on simulated Macs', { timeout: 600_000 }, () => {
  const { api, enroll } = useAppleE2e({ waitMs: WAIT_MS });
  const macs = [0, 1].map(
    () =>
      new SimulatedAppleDevice({
        kind: 'mac',
        state: { osVersion: '12.6', supervised: true, appStore: new Map([[123456, APP]]) },
      }),
  );
  let ordered: Array<{ id: string; mac: SimulatedAppleDevice }> = [];
  let policyId = '';
  const policyOn = async (deviceId: string) => {
    const items = (await api('GET', `/v1/devices/${deviceId}/compliance`)).body.items as Array<{
      policyId: string;
      status: string;
    }>;
    return items.find((p) => p.policyId === policyId);
  };
  const holds = (mac: SimulatedAppleDevice) =>
    mac.state.profiles.has(PASSCODE) && mac.state.apps.some((a) => a.identifier === APP.identifier);
  const compliant = (deviceId: string) =>
    eventually(async () => ((await policyOn(deviceId))?.status === 'compliant' ? true : undefined), WAIT_MS);
  const removedFrom = async ({ id, mac }: { id: string; mac: SimulatedAppleDevice }) => {
    await eventually(async () => (!mac.state.profiles.has(PASSCODE) ? true : undefined), WAIT_MS);
    await eventually(
      async () => (mac.state.apps.some((a) => a.identifier === APP.identifier) ? undefined : true),
      WAIT_MS,
    );
    await eventually(async () => ((await policyOn(id)) ? undefined : true), WAIT_MS);
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

  beforeAll(async () => {
    const enrolled = [];
    for (const mac of macs) enrolled.push({ id: await enroll(mac), mac });
    ordered = enrolled.sort((a, b) => a.id.localeCompare(b.id));
    // The user's own app: Keep did not install it, so no removal touches it.
    for (const mac of macs) mac.state.apps.push({ ...APP, identifier: 'com.example.mine', managed: false });
    policyId = (await api('POST', '/v1/policies', baseline)).body.policyId as string;
    expect((await api('POST', `/v1/policies/${policyId}/assignments`, { platforms: ['macOS'] })).status).toBe(
      201,
    );
    for (const { id } of ordered) await compliant(id);
  }, 400_000);

  afterAll(() => {
    for (const mac of macs) mac.close();
  });

  it('refuses a canary label no targeted device carries, naming the field', async () => {
    const refused = await api('POST', '/v1/rollouts', {
      policyId,
      remove: true,
      waves: [{ label: 'nobody' }, { percent: 100 }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe(
      'waves[0].label: no device the rollout targets carries the label "nobody"',
    );
    const versioned = await api('POST', '/v1/rollouts', {
      policyId,
      remove: true,
      version: 1,
      waves: [{ percent: 100 }],
    });
    expect(versioned.status).toBe(400);
    expect(versioned.body.error).toMatch(/^version: /);
  });

  it('removes the policy from the canary wave only, and applies it again on abort', async () => {
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      remove: true,
      waves: [{ count: 1 }, { percent: 100 }],
      requireApproval: true,
      checkIntervalSeconds: 1,
    });
    expect(started.status).toBe(201);
    expect(started.body.removal).toBe(true);
    const id = started.body.id as string;
    const waiting = await rolloutUntil(id, (r) => r.status === 'awaiting-approval');
    expect(waiting.waves[0]).toMatchObject({ targeted: 1, sent: 1, acknowledged: 1, verified: 1, failed: 0 });
    await removedFrom(ordered[0]!);
    expect(ordered[0]!.mac.state.apps.map((a) => a.identifier)).toContain('com.example.mine');
    // The wave not released keeps the policy.
    expect(holds(ordered[1]!.mac)).toBe(true);
    expect((await api('POST', `/v1/rollouts/${id}/abort`)).status).toBe(200);
    await eventually(async () => (holds(ordered[0]!.mac) ? true : undefined), WAIT_MS);
    for (const { id: deviceId } of ordered) await compliant(deviceId);
    expect((await api('GET', `/v1/policies/${policyId}/assignments`)).body.items).toHaveLength(1);
  });

  it('removes the policy from every device in waves and deletes the assignment on completion', async () => {
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      remove: true,
      waves: [{ count: 1 }, { percent: 100 }],
      checkIntervalSeconds: 1,
    });
    expect(started.status).toBe(201);
    const done = await rolloutUntil(started.body.id as string, (r) => r.status === 'completed');
    expect(done.waves.map((w) => [w.targeted, w.sent, w.verified, w.failed])).toEqual([
      [1, 1, 1, 0],
      [1, 1, 1, 0],
    ]);
    for (const device of ordered) await removedFrom(device);
    expect((await api('GET', `/v1/policies/${policyId}/assignments`)).body.items).toEqual([]);
    const audit = (await api('GET', '/v1/audit?action=rollout.start')).body.items as Array<{
      details: Record<string, unknown>;
    }>;
    expect(audit[0]?.details).toMatchObject({ removal: true });
  });
});
