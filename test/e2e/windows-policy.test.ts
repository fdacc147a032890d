// A policy applied to a simulated Windows PC through the real edge (TLS with client certificates), Postgres,
// Temporal, the core and a directory: set over OMA-DM, proven by the PC's own answer to a Get of the same nodes
// in its next session, drift repaired; what Windows cannot do is reported not applicable; an MSI installed and
// proven by its Status. Compliance is read from the admin API, as an admin sees it.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../admin/auth/token-hash.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { SimulatedPc } from '../sim/windows/simulated-pc.js';
import {
  PASSWORD,
  startWindowsEnvironment,
  type WindowsEnvironment,
} from '../sim/windows/windows-environment.js';
import { eventually } from '../support/apple-requests.js';
import { planesAdminApp } from '../support/planes-admin.js';
import { slapdInstalled } from '../support/slapd.js';

/** A bound, not a speed claim: sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;

interface PolicyOnDevice {
  policyId: string;
  version: number;
  status: string;
  settings: Array<{ setting: string; status: string; reason: string | null; provenAt: string | null }>;
}

const LENGTH = './Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength';
const CAMERA = './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera';
const FIREWALL = './Vendor/MSFT/Firewall/MdmStore/PublicProfile/EnableFirewall';

/** An MSI the simulated PC's installer can download, and the product node it installs under. */
const MSI_URL = 'https://apps.example.com/agent.msi';
const MSI_CONTENT = Buffer.from('an MSI package, as far as the simulated installer knows');
const MSI_PRODUCT = '{0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0}';
const MSI_NODE = `./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/${encodeURIComponent(MSI_PRODUCT)}`;

const baseline = {
  schemaVersion: 1 as const,
  name: 'windows-baseline',
  settings: {
    diskEncryption: { required: true, escrowRecoveryKey: false },
    passcode: { required: true, minLength: 12 },
    screenLock: { idleTimeoutMinutes: 5 },
    firewall: { enabled: true },
    restrictions: { allowCamera: false, allowScreenshots: false },
  },
};

describe.skipIf(!slapdInstalled())('a policy on a simulated Windows PC', { timeout: 300_000 }, () => {
  const token = generateToken();
  let env: WindowsEnvironment;
  let admin: ReturnType<typeof planesAdminApp>;
  let pc: SimulatedPc;
  const ids: { device?: string; policy?: string } = {};

  async function api(method: string, path: string, body?: unknown) {
    const res = await admin.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Runs the PC's sessions (its poll schedule, as no WNS is configured) until its compliance passes `check`. */
  async function sessionsUntil(check: (p: PolicyOnDevice | undefined) => boolean): Promise<PolicyOnDevice> {
    let last: PolicyOnDevice[] = [];
    return eventually(async () => {
      await pc.session();
      last = (await api('GET', `/v1/devices/${ids.device}/compliance`)).body.items as PolicyOnDevice[];
      const entry = last.find((p) => p.policyId === ids.policy);
      return check(entry) ? entry : undefined;
    }, WAIT_MS).catch((error: Error) => {
      throw new Error(`${error.message}; last compliance ${JSON.stringify(last)}`, { cause: error });
    });
  }

  const statuses = (p: PolicyOnDevice) => Object.fromEntries(p.settings.map((s) => [s.setting, s.status]));

  beforeAll(async () => {
    env = await startWindowsEnvironment({ users: ['ada'] });
    admin = planesAdminApp(env.planes, token);
    pc = new SimulatedPc({ edgeCa: env.tlsCa.certPem, msiPackages: { [MSI_URL]: MSI_CONTENT } });
    const enrolled = await pc.enroll(env.served.baseUrl, { username: 'ada', password: PASSWORD });
    if (!enrolled.ok) throw new Error(`enrolment failed: ${enrolled.fault}`);
    // Sessions until the PC has answered Keep's inventory: its platform and OS version select it for policies.
    const device = await eventually(async () => {
      await pc.session();
      const row = await env.planes.database.core.db
        .selectFrom('devices')
        .selectAll()
        .where('udid', '=', pc.deviceId)
        .executeTakeFirst();
      return row?.os_platform === 'windows' && row.os_version ? row : undefined;
    }, WAIT_MS);
    ids.device = device.id;
  }, 180_000);

  afterAll(async () => {
    pc?.close();
    await env?.close();
  });

  it('sets the policy over OMA-DM and the PC ends compliant by its own answer, Windows-less settings not applicable', async () => {
    const stored = await api('POST', '/v1/policies', baseline);
    expect(stored.status).toBe(201);
    ids.policy = stored.body.policyId as string;
    expect(
      (await api('POST', `/v1/policies/${ids.policy}/assignments`, { platforms: ['windows'] })).status,
    ).toBe(201);
    const entry = await sessionsUntil((p) => p?.status === 'compliant');
    expect(statuses(entry)).toEqual({
      diskEncryption: 'compliant',
      passcode: 'compliant',
      screenLock: 'compliant',
      firewall: 'compliant',
      restrictions: 'compliant',
      'restrictions.allowScreenshots': 'not-applicable',
    });
    expect(entry.settings.find((s) => s.setting === 'restrictions.allowScreenshots')?.reason).toMatch(
      /^not applicable on windows 10\.0\.22631\.4460: /,
    );
    for (const s of entry.settings.filter((s) => s.status === 'compliant')) expect(s.provenAt).not.toBeNull();
    expect(pc.nodes.get(LENGTH)).toBe('12');
    expect(pc.nodes.get(CAMERA)).toBe('0');
    expect(pc.nodes.get(FIREWALL)).toBe('true');
  });

  it('notices a value changed on the PC at the next proof, sets it again, and the PC is compliant again', async () => {
    pc.nodes.set(LENGTH, '4');
    // Sending the policy again unchanged stores nothing, and has every assigned device prove its state.
    const again = await api('POST', '/v1/policies', baseline);
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    await eventually(async () => {
      await pc.session();
      return pc.nodes.get(LENGTH) === '12' ? true : undefined;
    }, WAIT_MS);
    const entry = await sessionsUntil(
      (p) => p?.status === 'compliant' && statuses(p).passcode === 'compliant',
    );
    expect(entry.version).toBe(1);
  });

  it('proves the PC on the schedule, with no policy change, and sets a changed value again', async () => {
    pc.nodes.set(CAMERA, '1');
    // A session alone proves nothing: the last proof is answered, and nothing changed in Keep.
    await pc.session();
    expect(pc.nodes.get(CAMERA)).toBe('1');
    await env.planes.temporal.schedule
      .getHandle(workflowIds.windowsPolicyVerification(env.planes.coreConfig.core.taskQueue))
      .trigger();
    await eventually(async () => {
      await pc.session();
      return pc.nodes.get(CAMERA) === '0' ? true : undefined;
    }, WAIT_MS);
    const entry = await sessionsUntil(
      (p) => p?.status === 'compliant' && statuses(p).restrictions === 'compliant',
    );
    expect(entry.version).toBe(1);
  });

  it('fails the setting of a second policy that wants another value on a node the first one holds', async () => {
    const second = await api('POST', '/v1/policies', {
      schemaVersion: 1,
      name: 'windows-short-passcode',
      settings: { passcode: { minLength: 8 } },
    });
    const secondId = second.body.policyId as string;
    const assigned = await api('POST', `/v1/policies/${secondId}/assignments`, { platforms: ['windows'] });
    let last: PolicyOnDevice[] = [];
    const entry = await eventually(async () => {
      await pc.session();
      last = (await api('GET', `/v1/devices/${ids.device}/compliance`)).body.items as PolicyOnDevice[];
      return last.find((p) => p.policyId === secondId && p.status === 'failing');
    }, WAIT_MS);
    expect(entry.settings).toEqual([
      expect.objectContaining({
        setting: 'passcode',
        status: 'failing',
        reason: `another policy sets ${LENGTH} to another value`,
      }),
    ]);
    expect(pc.nodes.get(LENGTH)).toBe('12');
    expect(statuses(last.find((p) => p.policyId === ids.policy)!).passcode).toBe('compliant');
    const assignmentId = (assigned.body.assignment as { id: string }).id;
    expect((await api('DELETE', `/v1/policies/${secondId}/assignments/${assignmentId}`)).status).toBeLessThan(
      300,
    );
  });

  it('adds a Wi-Fi profile, puts it back when it is changed on the PC, and takes it off with its assignment', async () => {
    const profileNode = './Device/Vendor/MSFT/WiFi/Profile/corp%20wifi/WlanXml';
    const wifiPolicy = {
      schemaVersion: 1,
      name: 'windows-wifi',
      settings: { wifi: [{ ssid: 'corp wifi', security: 'wpa3-personal', password: 'correct horse' }] },
    };
    const stored = await api('POST', '/v1/policies', wifiPolicy);
    const wifiId = stored.body.policyId as string;
    const assigned = await api('POST', `/v1/policies/${wifiId}/assignments`, { platforms: ['windows'] });
    const compliant = async () => {
      let last: PolicyOnDevice[] = [];
      return eventually(async () => {
        await pc.session();
        last = (await api('GET', `/v1/devices/${ids.device}/compliance`)).body.items as PolicyOnDevice[];
        return last.find((p) => p.policyId === wifiId && p.status === 'compliant');
      }, WAIT_MS).catch((error: Error) => {
        throw new Error(`${error.message}; last compliance ${JSON.stringify(last)}`, { cause: error });
      });
    };
    expect(statuses(await compliant())).toEqual({ wifi: 'compliant' });
    const profile = pc.nodes.get(profileNode)!;
    expect(profile).toContain('<authentication>WPA3SAE</authentication>');

    // A local administrator edits the profile: Keep's next proof sees it and sets it again (off, then Add).
    pc.nodes.set(profileNode, profile.replace('correct horse', 'wrong horse'));
    // Sending the policy again unchanged has every assigned device prove its state.
    expect((await api('POST', '/v1/policies', wifiPolicy)).status).toBe(200);
    await eventually(async () => {
      await pc.session();
      return pc.nodes.get(profileNode) === profile ? true : undefined;
    }, WAIT_MS);
    await compliant();

    const assignmentId = (assigned.body.assignment as { id: string }).id;
    expect((await api('DELETE', `/v1/policies/${wifiId}/assignments/${assignmentId}`)).status).toBeLessThan(
      300,
    );
    await eventually(async () => {
      await pc.session();
      return [...pc.nodes.keys()].some((n) => n.startsWith('./Device/Vendor/MSFT/WiFi/')) ? undefined : true;
    }, WAIT_MS);
  });

  it('installs an MSI, pending while it runs, failing with LastError on a wrong hash, and removes it with its assignment', async () => {
    const sha256 = createHash('sha256').update(MSI_CONTENT).digest('hex');
    const broken = '{1B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0}';
    const stored = await api('POST', '/v1/policies', {
      schemaVersion: 1,
      name: 'windows-apps',
      settings: {
        apps: [
          {
            bundleId: 'org.example.agent',
            action: 'install',
            msi: { productId: MSI_PRODUCT, url: MSI_URL, sha256 },
          },
          {
            bundleId: 'org.example.broken',
            action: 'install',
            msi: { productId: broken, url: MSI_URL, sha256: 'f'.repeat(64) },
          },
        ],
      },
    });
    const appsId = stored.body.policyId as string;
    const assigned = await api('POST', `/v1/policies/${appsId}/assignments`, { platforms: ['windows'] });
    const appsEntry = async (check: (p: PolicyOnDevice) => boolean) => {
      let last: PolicyOnDevice[] = [];
      return eventually(async () => {
        await pc.session();
        last = (await api('GET', `/v1/devices/${ids.device}/compliance`)).body.items as PolicyOnDevice[];
        const entry = last.find((p) => p.policyId === appsId);
        return entry && check(entry) ? entry : undefined;
      }, WAIT_MS).catch((error: Error) => {
        throw new Error(`${error.message}; last compliance ${JSON.stringify(last)}`, { cause: error });
      });
    };
    // The Get in the session that started the installs finds them downloading: pending, not refused.
    const installing = await appsEntry((p) => p.settings.some((s) => s.reason?.startsWith('installing')));
    expect(installing.settings).toEqual([
      expect.objectContaining({
        setting: 'apps[0]',
        status: 'unknown',
        reason: `installing ${MSI_PRODUCT}: download in progress`,
      }),
      expect.objectContaining({
        setting: 'apps[1]',
        status: 'unknown',
        reason: `installing ${broken}: download in progress`,
      }),
    ]);
    // The installs finish on the PC; the scheduled proof reads how they ended.
    await pc.session();
    await env.planes.temporal.schedule
      .getHandle(workflowIds.windowsPolicyVerification(env.planes.coreConfig.core.taskQueue))
      .trigger();
    const ended = await appsEntry((p) => statuses(p)['apps[0]'] === 'compliant');
    expect(ended.settings).toEqual([
      expect.objectContaining({ setting: 'apps[0]', status: 'compliant' }),
      expect.objectContaining({
        setting: 'apps[1]',
        status: 'failing',
        reason: `the device did not install ${broken}: download failed (LastError 0x80091007)`,
      }),
    ]);
    expect(pc.nodes.get(`${MSI_NODE}/Status`)).toBe('70');

    const assignmentId = (assigned.body.assignment as { id: string }).id;
    expect((await api('DELETE', `/v1/policies/${appsId}/assignments/${assignmentId}`)).status).toBeLessThan(
      300,
    );
    await eventually(async () => {
      await pc.session();
      return [...pc.nodes.keys()].some((n) => n.startsWith(MSI_NODE)) ? undefined : true;
    }, WAIT_MS);
  });

  it('takes the policy off the PC when its assignment is withdrawn', async () => {
    const assignments = (await api('GET', `/v1/policies/${ids.policy}/assignments`)).body.items as Array<{
      id: string;
    }>;
    for (const a of assignments)
      expect((await api('DELETE', `/v1/policies/${ids.policy}/assignments/${a.id}`)).status).toBeLessThan(
        300,
      );
    await eventually(async () => {
      await pc.session();
      return pc.nodes.has(LENGTH) || pc.nodes.has(CAMERA) ? undefined : true;
    }, WAIT_MS);
    const rows = await env.planes.database.core.db
      .selectFrom('device_policy_profiles')
      .select('identifier')
      .where('device_id', '=', ids.device!)
      .execute();
    expect(rows).toEqual([]);
  });
});
