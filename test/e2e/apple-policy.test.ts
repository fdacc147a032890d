// A policy applied to a simulated Mac and iPhone through the real edge (HTTPS on loopback), Postgres, Temporal,
// the core and a fake APNs: assigned, installed, proven by each device's ProfileList, drift repaired, changed and
// withdrawn; on the iPhone, passcode and screen lock go as DDM declarations, proven by its status reports.
// Compliance is read from the admin API, as an admin sees it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { declarationsToken, serverToken } from '../../core/apple/declarative/index.js';
import { appleTargetOf, translatePolicy } from '../../core/apple/policy/index.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;

interface PolicyOnDevice {
  policyId: string;
  version: number;
  status: string;
  settings: Array<{ setting: string; status: string; reason: string | null; provenAt: string | null }>;
}

const FIREWALL = 'keep.policy.baseline.profile.firewall';
const PASSCODE = 'keep.policy.baseline.profile.passcode';
/** On iOS the passcode is a declaration (macOS takes that declaration only supervised). */
const PASSCODE_DECLARATION = 'keep.policy.baseline.passcode';

function baseline(minLength: number) {
  return {
    schemaVersion: 1 as const,
    name: 'baseline',
    settings: {
      firewall: { enabled: true },
      passcode: { minLength },
      screenLock: { idleTimeoutMinutes: 5 },
    },
  };
}

describe('a policy on a simulated Mac and iPhone', { timeout: 300_000 }, () => {
  const { planes, api, adminRequest, enroll } = useAppleE2e({ waitMs: WAIT_MS });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  const iphone = new SimulatedAppleDevice({ kind: 'iphone' });
  const ids: { mac?: string; iphone?: string; policy?: string; team?: string; teamAssignment?: string } = {};
  const compliance = async (deviceId: string) =>
    (await api('GET', `/v1/devices/${deviceId}/compliance`)).body.items as PolicyOnDevice[];
  /** Waits until the device's compliance with the policy passes `check`; on timeout shows the last answer. */
  async function complianceUntil(deviceId: string, check: (p: PolicyOnDevice | undefined) => boolean) {
    let last: PolicyOnDevice[] = [];
    return eventually(async () => {
      last = await compliance(deviceId);
      const entry = last.find((p) => p.policyId === ids.policy);
      return check(entry) ? entry : undefined;
    }, WAIT_MS).catch((error: Error) => {
      throw new Error(`${error.message}; last compliance ${JSON.stringify(last)}`, { cause: error });
    });
  }
  const settingStatus = (p: PolicyOnDevice | undefined, setting: string) =>
    p?.settings.find((s) => s.setting === setting)?.status;

  beforeAll(async () => {
    ids.mac = await enroll(mac);
    ids.team = (await api('POST', '/v1/teams', { name: 'Engineering' })).body.id as string;
    expect((await adminRequest(`/v1/teams/${ids.team}/devices/${ids.mac}`, { method: 'PUT' })).status).toBe(
      204,
    );
  }, 180_000);

  afterAll(async () => {
    mac.close();
    iphone.close();
  });

  it('stores a policy, and a dry run of its assignment lists the devices it selects without sending anything', async () => {
    const stored = await api('POST', '/v1/policies', baseline(8));
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ version: 1, created: true, fanOutWorkflowId: null });
    ids.policy = stored.body.policyId as string;
    const dryRun = await api('POST', `/v1/policies/${ids.policy}/assignments?dryRun=true`, {
      teamId: ids.team,
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({ count: 1, devices: [{ id: ids.mac, osPlatform: 'macOS' }] });
    expect((await api('GET', `/v1/policies/${ids.policy}/assignments`)).body.items).toEqual([]);
    expect(await compliance(ids.mac!)).toEqual([]);
  });

  it('applies the policy to the Mac in the assigned team, which ends compliant by its own ProfileList', async () => {
    const assigned = await api('POST', `/v1/policies/${ids.policy}/assignments`, { teamId: ids.team });
    expect(assigned.status).toBe(201);
    ids.teamAssignment = (assigned.body.assignment as { id: string }).id;
    const entry = await complianceUntil(ids.mac!, (p) => p?.status === 'compliant');
    expect(entry.version).toBe(1);
    expect(entry.settings.map((s) => [s.setting, s.status]).sort()).toEqual([
      ['firewall', 'compliant'],
      ['passcode', 'compliant'],
      ['screenLock', 'compliant'],
    ]);
    for (const s of entry.settings) expect(s.provenAt).not.toBeNull();
    expect([...mac.state.profiles.keys()]).toEqual(expect.arrayContaining([FIREWALL, PASSCODE]));
  });

  it('applies it to an iPhone that enrols into an assigned platform, reporting the macOS-only firewall not applicable', async () => {
    expect((await api('POST', `/v1/policies/${ids.policy}/assignments`, { platforms: ['iOS'] })).status).toBe(
      201,
    );
    ids.iphone = await enroll(iphone);
    const entry = await complianceUntil(ids.iphone, (p) => p?.status === 'compliant');
    expect(settingStatus(entry, 'firewall')).toBe('not-applicable');
    expect(entry.settings.find((s) => s.setting === 'firewall')?.reason).toMatch(/^not applicable on iOS /);
    expect(settingStatus(entry, 'passcode')).toBe('compliant');
    expect(settingStatus(entry, 'screenLock')).toBe('compliant');
    expect(iphone.state.profiles.has(FIREWALL)).toBe(false);
    expect(iphone.state.profiles.has(PASSCODE)).toBe(false);
  });

  it("serves the iPhone exactly the policy's translation as declarations, each with its ServerToken", async () => {
    const device = await planes.database.core.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', ids.iphone!)
      .executeTakeFirstOrThrow();
    const expected = translatePolicy(baseline(8), appleTargetOf(device)!, {
      identifierPrefix: 'keep',
      organization: 'unused by declarations',
      profileBaseUrl: 'https://unused.example/',
      declarativeManagement: true,
      profilesByDeclaration: false,
    }).declarations.map(({ type, identifier, payload }) => ({ type, identifier, payload }));
    expect(expected.map((d) => d.type).sort()).toEqual([
      'com.apple.activation.simple',
      'com.apple.configuration.passcode.settings',
      'com.apple.configuration.passcode.settings',
      'com.apple.management.properties',
    ]);
    const fetched = iphone.declarative!;
    const byId = (a: { identifier: string }, b: { identifier: string }) =>
      a.identifier.localeCompare(b.identifier);
    expect(
      fetched.declarations.map(({ type, identifier, payload }) => ({ type, identifier, payload })).sort(byId),
    ).toEqual([...expected].sort(byId));
    for (const d of fetched.declarations)
      expect(d.serverToken).toBe(serverToken(expected.find((e) => e.identifier === d.identifier)!));
    expect(fetched.declarationsToken).toBe(declarationsToken(expected));
  });

  it('notices a profile the user removed at the next verification, re-applies it, and the Mac is compliant again', async () => {
    const tokenBefore = (await iphone.syncDeclarativeManagement()).declarationsToken;
    expect(mac.drift.removeProfile(FIREWALL)).toBe(true);
    // Sending the policy again unchanged stores nothing, and has every assigned device prove its state.
    const again = await api('POST', '/v1/policies', baseline(8));
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    await eventually(async () => (mac.state.profiles.has(FIREWALL) ? true : undefined), WAIT_MS);
    const entry = await complianceUntil(
      ids.mac!,
      (p) => p?.status === 'compliant' && settingStatus(p, 'firewall') === 'compliant',
    );
    expect(entry.version).toBe(1);
    // The unchanged policy leaves the iPhone's declaration set, and so its token, as it was.
    expect((await iphone.syncDeclarativeManagement()).declarationsToken).toBe(tokenBefore);
  });

  it('sends a changed setting as a new version, and the diff names the field', async () => {
    const tokenV1 = iphone.declarative!.declarationsToken;
    const v2 = await api('POST', '/v1/policies', baseline(12));
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    const diff = await api('GET', `/v1/policies/${ids.policy}/diff?from=1&to=2`);
    expect(diff.body.changes).toEqual([
      { path: 'settings.passcode.minLength', change: 'changed', before: 8, after: 12 },
    ]);
    await complianceUntil(ids.mac!, (p) => p?.version === 2 && p.status === 'compliant');
    const passcode = mac.state.profiles.get(PASSCODE)!;
    expect(passcode.payloads[0]).toMatchObject({ minLength: 12 });
    // The iPhone is told to sync (DeclarativeManagement) and fetches the changed declaration under a new token.
    const declaration = await eventually(async () => {
      const d = iphone.declarative?.declarations.find((x) => x.identifier === PASSCODE_DECLARATION);
      return (d?.payload as { MinimumLength?: number } | undefined)?.MinimumLength === 12 ? d : undefined;
    }, WAIT_MS);
    expect(declaration.type).toBe('com.apple.configuration.passcode.settings');
    expect(iphone.declarative!.declarationsToken).not.toBe(tokenV1);
    await complianceUntil(ids.iphone!, (p) => p?.version === 2 && p.status === 'compliant');
    const summary = await api('GET', '/v1/compliance/summary');
    expect(summary.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          policyName: 'baseline',
          setting: 'firewall',
          compliant: 1,
          notApplicable: 1,
        }),
      ]),
    );
  });

  it('reports a setting failing when the iPhone reports its declaration invalid, and compliant once valid again', async () => {
    iphone.drift.rejectDeclaration(PASSCODE_DECLARATION, 'Error.ConfigurationCannotBeApplied');
    await iphone.syncDeclarativeManagement();
    const failing = await complianceUntil(ids.iphone!, (p) => settingStatus(p, 'passcode') === 'failing');
    expect(failing.status).toBe('failing');
    expect(failing.settings.find((s) => s.setting === 'passcode')?.reason).toContain(
      `${PASSCODE_DECLARATION} invalid: ${PASSCODE_DECLARATION} rejected`,
    );
    expect(settingStatus(failing, 'screenLock')).toBe('compliant');
    iphone.state.rejectedDeclarations!.clear();
    await iphone.syncDeclarativeManagement();
    await complianceUntil(ids.iphone!, (p) => p?.status === 'compliant');
  });

  it('has the iPhone sync again when its status report lacks a declaration (drift), and it holds it again', async () => {
    expect(iphone.drift.removeDeclaration(PASSCODE_DECLARATION)).toBe(true);
    await iphone.reportDeclarativeStatus();
    await eventually(
      async () =>
        iphone.declarative!.declarations.some((d) => d.identifier === PASSCODE_DECLARATION)
          ? true
          : undefined,
      WAIT_MS,
    );
    await complianceUntil(ids.iphone!, (p) => p?.status === 'compliant');
  });

  it('removes the policy from a device whose assignment is withdrawn, and keeps it on the other', async () => {
    const withdrawn = await api('DELETE', `/v1/policies/${ids.policy}/assignments/${ids.teamAssignment}`);
    expect(withdrawn.status).toBe(200);
    await eventually(
      async () =>
        [...mac.state.profiles.keys()].some((k) => k.startsWith('keep.policy.')) ? undefined : true,
      WAIT_MS,
    );
    await eventually(async () => ((await compliance(ids.mac!)).length === 0 ? true : undefined), WAIT_MS);
    expect(iphone.declarative!.declarations.some((d) => d.identifier === PASSCODE_DECLARATION)).toBe(true);
    expect((await compliance(ids.iphone!)).length).toBe(1);
  });

  it('applies the policy to a device put in an assigned team, and removes it when the device leaves', async () => {
    const teamDevice = (method: string) =>
      adminRequest(`/v1/teams/${ids.team}/devices/${ids.mac}`, { method });
    expect((await teamDevice('DELETE')).status).toBe(204);
    expect((await api('POST', `/v1/policies/${ids.policy}/assignments`, { teamId: ids.team })).status).toBe(
      201,
    );
    expect((await teamDevice('PUT')).status).toBe(204);
    await complianceUntil(ids.mac!, (p) => p?.version === 2 && p.status === 'compliant');
    expect(mac.state.profiles.has(FIREWALL)).toBe(true);
    expect((await teamDevice('DELETE')).status).toBe(204);
    await eventually(async () => (mac.state.profiles.has(FIREWALL) ? undefined : true), WAIT_MS);
    await eventually(async () => ((await compliance(ids.mac!)).length === 0 ? true : undefined), WAIT_MS);
  });
});
