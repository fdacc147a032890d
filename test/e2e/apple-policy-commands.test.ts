// A policy's commands on a simulated supervised Mac through the real edge, Temporal and core: an App Store app
// installed by adam id, an app removed and an OS update scheduled, each sent once and proven by the device's own
// answers (InstalledApplicationList, the OS version it reports); an app the user deleted is installed again; the
// policy withdrawn, the app Keep installed is removed and the user's own stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;

interface PolicyOnDevice {
  policyId: string;
  version: number;
  status: string;
  settings: Array<{ setting: string; status: string; reason: string | null; provenAt: string | null }>;
}

const APP = { identifier: 'com.example.app', name: 'App', version: '7', shortVersion: '7.0', bundleSize: 1 };

function policy(firewall: boolean) {
  return {
    schemaVersion: 1 as const,
    name: 'fleet-apps',
    settings: {
      firewall: { enabled: firewall },
      osUpdates: [{ platform: 'macOS' as const, minimumVersion: '12.7', deadline: '2099-01-01T09:00:00' }],
      apps: [
        { bundleId: APP.identifier, action: 'install' as const, appStoreId: '123456' },
        { bundleId: 'com.example.old', action: 'remove' as const },
      ],
    },
  };
}

describe("a policy's commands on a simulated Mac", { timeout: 300_000 }, () => {
  const { planes, api, enroll } = useAppleE2e({ waitMs: WAIT_MS });
  // Supervised macOS 12 takes no DDM: the OS update goes by ScheduleOSUpdate.
  const mac = new SimulatedAppleDevice({
    kind: 'mac',
    state: {
      osVersion: '12.6',
      supervised: true,
      appStore: new Map([[123456, APP]]),
    },
  });
  mac.state.apps.push({ ...APP, identifier: 'com.example.old', managed: true });
  const ids: { mac?: string; policy?: string } = {};

  async function complianceUntil(check: (p: PolicyOnDevice) => boolean) {
    let last: PolicyOnDevice[] = [];
    return eventually(async () => {
      last = (await api('GET', `/v1/devices/${ids.mac}/compliance`)).body.items as PolicyOnDevice[];
      const entry = last.find((p) => p.policyId === ids.policy);
      return entry && check(entry) ? entry : undefined;
    }, WAIT_MS).catch((error: Error) => {
      throw new Error(`${error.message}; last compliance ${JSON.stringify(last)}`, { cause: error });
    });
  }
  async function sent(requestType: string) {
    const rows = await planes.database.core.db
      .selectFrom('device_commands')
      .select('status')
      .where('device_id', '=', ids.mac!)
      .where('request_type', '=', requestType)
      .execute();
    return rows.length;
  }

  beforeAll(async () => {
    ids.mac = await enroll(mac);
  }, 180_000);

  afterAll(() => mac.close());

  it('installs the app, removes the other and updates the OS, each proven by the Mac and sent once', async () => {
    const stored = await api('POST', '/v1/policies', policy(true));
    expect(stored.status).toBe(201);
    ids.policy = stored.body.policyId as string;
    expect(
      (await api('POST', `/v1/policies/${ids.policy}/assignments`, { platforms: ['macOS'] })).status,
    ).toBe(201);
    const entry = await complianceUntil((p) => p.status === 'compliant');
    expect(entry.settings.map((s) => [s.setting, s.status]).sort()).toEqual([
      ['apps[0]', 'compliant'],
      ['apps[1]', 'compliant'],
      ['firewall', 'compliant'],
      ['osUpdates[0]', 'compliant'],
    ]);
    for (const s of entry.settings) expect(s.provenAt).not.toBeNull();
    expect(mac.state.osVersion).toBe('12.7');
    expect(mac.state.apps.map((a) => a.identifier)).toContain(APP.identifier);
    expect(mac.state.apps.map((a) => a.identifier)).not.toContain('com.example.old');
    expect([
      await sent('InstallApplication'),
      await sent('RemoveApplication'),
      await sent('ScheduleOSUpdate'),
    ]).toEqual([1, 1, 1]);
  });

  it('does not send the commands again for a new version that leaves them unchanged', async () => {
    const v2 = await api('POST', '/v1/policies', policy(false));
    expect(v2.body.version).toBe(2);
    await complianceUntil((p) => p.version === 2 && p.status === 'compliant');
    expect([await sent('InstallApplication'), await sent('RemoveApplication')]).toEqual([1, 1]);
    // The Mac reached the minimum, so no further update is asked for.
    expect(await sent('ScheduleOSUpdate')).toBe(1);
  });

  it('installs the app again once the Mac no longer lists it (drift)', async () => {
    mac.state.apps = mac.state.apps.filter((a) => a.identifier !== APP.identifier);
    // Storing the policy unchanged has the device prove its state again.
    expect((await api('POST', '/v1/policies', policy(false))).body.created).toBe(false);
    await eventually(
      async () => (mac.state.apps.some((a) => a.identifier === APP.identifier) ? true : undefined),
      WAIT_MS,
    );
    await complianceUntil((p) => p.status === 'compliant');
    expect(await sent('InstallApplication')).toBe(2);
  });

  it('verifies from a ProfileList an admin sends, and re-applies a profile the Mac lost', async () => {
    const firewall = [...mac.state.profiles.keys()].find((k) => k.endsWith('.profile.firewall'))!;
    expect(mac.drift.removeProfile(firewall)).toBe(true);
    const sentByAdmin = await api('POST', `/v1/devices/${ids.mac}/commands`, { requestType: 'ProfileList' });
    expect(sentByAdmin.status).toBe(202);
    await eventually(async () => (mac.state.profiles.has(firewall) ? true : undefined), WAIT_MS);
    await complianceUntil((p) => p.status === 'compliant');
  });

  it("removes the app it installed, the policy's profiles and its compliance once the policy is withdrawn", async () => {
    // An app the user installed: Keep did not put it there, so it stays.
    mac.state.apps.push({ ...APP, identifier: 'com.example.mine', managed: false });
    const assignments = (await api('GET', `/v1/policies/${ids.policy}/assignments`)).body.items as Array<{
      id: string;
    }>;
    for (const a of assignments)
      expect((await api('DELETE', `/v1/policies/${ids.policy}/assignments/${a.id}`)).status).toBe(200);
    await eventually(async () => {
      const apps = mac.state.apps.map((a) => a.identifier);
      const profiles = [...mac.state.profiles.keys()].filter((k) => k.includes('.policy.'));
      return !apps.includes(APP.identifier) && profiles.length === 0 ? true : undefined;
    }, WAIT_MS);
    expect(mac.state.apps.map((a) => a.identifier)).toContain('com.example.mine');
    expect(await sent('RemoveApplication')).toBe(2);
    await eventually(async () => {
      const items = (await api('GET', `/v1/devices/${ids.mac}/compliance`)).body.items as PolicyOnDevice[];
      return items.some((p) => p.policyId === ids.policy) ? undefined : true;
    }, WAIT_MS);
    const left = await planes.database.core.db
      .selectFrom('device_policy_commands')
      .select('setting')
      .where('device_id', '=', ids.mac!)
      .execute();
    expect(left).toEqual([]);
  });
});
