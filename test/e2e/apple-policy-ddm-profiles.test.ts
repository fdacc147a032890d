// With `core.appleProfileDelivery: declaration`, a device served DDM fetches its policy profiles through
// `com.apple.configuration.legacy` declarations from the real edge (HTTPS on loopback, over its own identity), and
// its status reports prove them; a device that cannot take the declaration (an unsupervised Mac) keeps InstallProfile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;

const RESTRICTIONS = 'keep.policy.baseline.profile.restrictions';
const LEGACY = 'com.apple.configuration.legacy';

interface PolicyOnDevice {
  policyId: string;
  version: number;
  status: string;
  settings: Array<{ setting: string; status: string; reason: string | null }>;
}

const baseline = (allowScreenshots: boolean) => ({
  schemaVersion: 1 as const,
  name: 'baseline',
  settings: { restrictions: { allowCamera: false, allowScreenshots } },
});

describe('policy profiles delivered through DDM legacy declarations', { timeout: 300_000 }, () => {
  const { api, enroll } = useAppleE2e({
    waitMs: WAIT_MS,
    coreEnv: { KEEP_CORE_APPLE_PROFILE_DELIVERY: 'declaration' },
  });
  const iphone = new SimulatedAppleDevice({ kind: 'iphone' });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  const ids: { iphone?: string; mac?: string; policy?: string } = {};
  let profileUrl = '';

  async function compliantWith(deviceId: string, version: number) {
    let last: PolicyOnDevice[] = [];
    return eventually(async () => {
      last = (await api('GET', `/v1/devices/${deviceId}/compliance`)).body.items as PolicyOnDevice[];
      const entry = last.find((p) => p.policyId === ids.policy);
      return entry?.version === version && entry.status === 'compliant' ? entry : undefined;
    }, WAIT_MS).catch((error: Error) => {
      throw new Error(`${error.message}; last compliance ${JSON.stringify(last)}`, { cause: error });
    });
  }
  const requestTypes = async (deviceId: string) =>
    (
      (await api('GET', `/v1/devices/${deviceId}/commands?limit=100`)).body.items as Array<{
        requestType: string;
      }>
    ).map((c) => c.requestType);

  beforeAll(async () => {
    ids.iphone = await enroll(iphone);
    ids.mac = await enroll(mac);
  }, 180_000);

  afterAll(() => {
    iphone.close();
    mac.close();
  });

  it('has the iPhone fetch the signed profile its legacy declaration names, proven by its status report', async () => {
    const stored = await api('POST', '/v1/policies', baseline(true));
    expect(stored.status).toBe(201);
    ids.policy = stored.body.policyId as string;
    const assigned = await api('POST', `/v1/policies/${ids.policy}/assignments`, {
      platforms: ['iOS', 'macOS'],
    });
    expect(assigned.status).toBe(201);
    const entry = await compliantWith(ids.iphone!, 1);
    expect(entry.settings.find((s) => s.setting === 'restrictions')?.status).toBe('compliant');
    const legacy = iphone.declarative!.declarations.find((d) => d.identifier === RESTRICTIONS)!;
    expect(legacy.type).toBe(LEGACY);
    profileUrl = (legacy.payload as { ProfileURL: string }).ProfileURL;
    expect(profileUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mdm\/profiles\/.+\.mobileconfig\?v=/);
    // Installed from the URL (signed by Keep), not by a command.
    const profile = iphone.state.profiles.get(RESTRICTIONS)!;
    expect(profile.payloads[0]).toMatchObject({
      PayloadType: 'com.apple.applicationaccess',
      allowCamera: false,
    });
    expect(profile.signerCertificates.length).toBeGreaterThan(0);
    expect(await requestTypes(ids.iphone!)).not.toContain('InstallProfile');
  });

  it('keeps InstallProfile, proven by ProfileList, for a Mac that cannot take the declaration', async () => {
    await compliantWith(ids.mac!, 1);
    expect(mac.state.profiles.get(RESTRICTIONS)?.payloads[0]).toMatchObject({ allowCamera: false });
    expect(mac.state.declaredProfiles ?? new Set()).not.toContain(RESTRICTIONS);
    expect(await requestTypes(ids.mac!)).toContain('InstallProfile');
  });

  it('serves the profile only to its own device over its bound identity', async () => {
    iphone.tamper = { kind: 'unsigned' };
    expect((await iphone.fetchFromServer(profileUrl)).status).toBe(401);
    delete iphone.tamper;
    // The Mac signs with its own identity: it holds no such profile, so it gets none.
    expect((await mac.fetchFromServer(profileUrl)).status).toBe(404);
    expect((await iphone.fetchFromServer(profileUrl)).status).toBe(200);
  });

  it('changes the declaration ServerToken with the profile, and the iPhone installs the new one', async () => {
    const tokenBefore = iphone.declarative!.declarations.find(
      (d) => d.identifier === RESTRICTIONS,
    )!.serverToken;
    expect((await api('POST', '/v1/policies', baseline(false))).status).toBe(201);
    await compliantWith(ids.iphone!, 2);
    const legacy = iphone.declarative!.declarations.find((d) => d.identifier === RESTRICTIONS)!;
    expect(legacy.serverToken).not.toBe(tokenBefore);
    expect(iphone.state.profiles.get(RESTRICTIONS)?.payloads[0]).toMatchObject({ allowScreenShot: false });
    expect(await requestTypes(ids.iphone!)).not.toContain('InstallProfile');
  });

  it('reports the setting failing while the device reports its legacy declaration invalid', async () => {
    iphone.drift.rejectDeclaration(RESTRICTIONS, 'Error.ProfileInstallFailed');
    await iphone.syncDeclarativeManagement();
    let last: PolicyOnDevice[] = [];
    await eventually(async () => {
      last = (await api('GET', `/v1/devices/${ids.iphone}/compliance`)).body.items as PolicyOnDevice[];
      const setting = last[0]?.settings.find((s) => s.setting === 'restrictions');
      return setting?.status === 'failing' ? setting : undefined;
    }, WAIT_MS);
    iphone.state.rejectedDeclarations!.clear();
    await iphone.syncDeclarativeManagement();
    await compliantWith(ids.iphone!, 2);
  });
});
