// ADE with sign-in end to end: Keep's ADE profile carries `configuration_web_url`; a simulated Mac in Setup Assistant
// opens it with its signed MachineInfo, the user signs in at a real OIDC provider, and the callback answers with the
// enrolment profile. The Mac enrols through the real edge (HTTPS), Temporal and core, and the user who signed in
// owns it, placed in the teams a real slapd's groups map to.
import { createServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createAdminApp } from '../../admin/app.js';
import { generateToken } from '../../admin/auth/token-hash.js';
import { pemBlocks } from '../../core/pki/pem.js';
import { createFakeApns, type RunningFakeApns } from '../fakes/apns/fake-apns.js';
import { createFakeDep } from '../fakes/dep/fake-dep.js';
import { serverTokenFile, testServerToken } from '../fakes/dep/server-token-file.js';
import { aspenDeviceInfo, machineInfoPlist } from '../sim/apple/machine-info.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { addGroup, addUser, userDn } from '../support/directory-seed.js';
import { freePort } from '../support/global-setup.js';
import {
  completeAuthorization,
  CookieJar,
  OIDC_CLIENT,
  startOidcProvider,
  type TestProvider,
} from '../support/oidc-provider.js';
import { planesAdminApp } from '../support/planes-admin.js';
import { createTestPushCertificate } from '../support/push-cert.js';
import { slapdInstalled, startSlapd, type Slapd } from '../support/slapd.js';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { useTestPlanes } from '../support/test-context.js';

/** A bound, not a speed claim: RSA keys made by other test files can starve this process for seconds. */
const WAIT_MS = 120_000;

describe.skipIf(!slapdInstalled())(
  'ADE enrolment after the user signs in (configuration_web_url)',
  { timeout: 300_000 },
  () => {
    const adminToken = generateToken();
    const depToken = testServerToken();
    const dep = createFakeDep(depToken);
    const tlsCa = createTestCa('Keep Test TLS CA');
    const pushCa = createTestCa('Keep Test Push CA');
    const apns = createFakeApns({ clientCaPem: pushCa.certPem });
    let runningApns: RunningFakeApns;
    let runningDep: { url: string; close(): Promise<void> };
    let slapd: Slapd;
    let provider: TestProvider;
    let port: number;
    let server: ServerType;
    let admin: ReturnType<typeof createAdminApp>;
    const devices: SimulatedAppleDevice[] = [];

    const publicUrl = () => `https://127.0.0.1:${port}`;
    const callbackUrl = () => `${publicUrl()}/mdm/dep/sign-in/callback`;

    const api = (method: string, path: string, body?: unknown) =>
      admin.request(path, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    beforeAll(async () => {
      [runningApns, runningDep, slapd, port] = await Promise.all([
        apns.start(),
        dep.start(),
        startSlapd(),
        freePort(),
      ]);
      provider = await startOidcProvider({
        redirectUri: callbackUrl(),
        accounts: [
          { sub: 'carol-at-idp', email: 'carol@keep.test', preferred_username: 'carol' },
          { sub: 'dave-at-idp', email: 'dave@keep.test', preferred_username: 'dave' },
        ],
      });
      await addUser(slapd, { uid: 'carol', mail: 'carol@keep.test' });
      await addGroup(slapd, { cn: 'engineering', members: [userDn(slapd, 'carol')] });
    }, 60_000);

    const planes = useTestPlanes(() => ({
      apns: { url: runningApns.url, caPem: runningApns.caPem },
      edgePublicUrl: publicUrl(),
      edgeEnv: { KEEP_EDGE_PUBLIC_URL: publicUrl() },
      coreEnv: {
        KEEP_DEP_URL: runningDep.url,
        KEEP_DEP_SIGN_IN_REQUIRED: 'true',
        KEEP_DEP_TEAM_RULES: 'engineering=Engineering',
        KEEP_DIRECTORY_URL: slapd.url,
        KEEP_DIRECTORY_KIND: 'openldap',
        KEEP_DIRECTORY_BIND_DN: slapd.adminDn,
        KEEP_DIRECTORY_BIND_PASSWORD: slapd.adminPassword,
        KEEP_DIRECTORY_BASE_DN: slapd.baseDn,
        KEEP_DIRECTORY_CA_FILE: slapd.caFile,
        KEEP_CORE_SIGN_IN_ISSUER: provider.issuer,
        KEEP_CORE_SIGN_IN_CLIENT_ID: OIDC_CLIENT.id,
        KEEP_CORE_SIGN_IN_CLIENT_SECRET: OIDC_CLIENT.secret,
      },
    }));

    beforeAll(async () => {
      const tls = issueLoopbackServerCertificate(tlsCa);
      server = await new Promise<ServerType>((resolve) => {
        const s: ServerType = serve(
          {
            fetch: planes.edgeApp.fetch,
            hostname: '127.0.0.1',
            port,
            createServer,
            serverOptions: { cert: tls.certPem, key: tls.keyPem },
          },
          () => resolve(s),
        );
      });
      admin = planesAdminApp(planes, adminToken);
      const push = createTestPushCertificate({ ca: pushCa });
      const imported = await api('POST', '/v1/push-certificate', {
        certPem: push.certPem,
        keyPem: push.keyPem,
      });
      const { workflowId } = (await imported.json()) as { workflowId: string };
      await planes.temporal.workflow.getHandle(workflowId).result();

      const created = (await (await api('POST', '/v1/apple/dep/servers')).json()) as {
        id: string;
        certificatePem: string;
      };
      const certificate = pemBlocks(created.certificatePem, 'CERTIFICATE')[0]!;
      const token = await api('PUT', `/v1/apple/dep/servers/${created.id}/token`, {
        p7m: serverTokenFile(certificate, depToken).toString('base64'),
      });
      expect(token.status).toBe(200);
      dep.addDevices(
        { serial_number: 'C02SI0000001', model: 'MacBook Air', os: 'OSX', device_family: 'Mac' },
        { serial_number: 'C02SI0000002', model: 'MacBook Air', os: 'OSX', device_family: 'Mac' },
        { serial_number: 'C02SI0000003', model: 'MacBook Air', os: 'OSX', device_family: 'Mac' },
      );
      expect((await api('POST', '/v1/apple/dep/sync')).status).toBe(200);
    }, 180_000);

    afterAll(async () => {
      for (const device of devices) device.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await Promise.all([runningApns?.close(), runningDep?.close(), slapd?.close(), provider?.close()]);
    });

    function newMac(serialNumber: string): SimulatedAppleDevice {
      const mac = new SimulatedAppleDevice({
        kind: 'mac',
        state: { serialNumber, awaitingConfiguration: true },
      });
      devices.push(mac);
      return mac;
    }

    /** Setup Assistant's web view opening the profile's `configuration_web_url`. */
    const openSignInPage = (headers: Record<string, string>) =>
      planes.edgeApp.request('/mdm/dep/sign-in', { headers });

    /** The web view: Keep's page, the provider's sign-in as `login`, then the callback with Keep's cookie. */
    async function signInAs(mac: SimulatedAppleDevice, login: string, tamper?: (callback: URL) => void) {
      const start = await openSignInPage({ 'x-apple-aspen-deviceinfo': aspenDeviceInfo(mac.state) });
      expect(start.status).toBe(302);
      const jar = new CookieJar();
      jar.store(start);
      const callback = await completeAuthorization(start.headers.get('location')!, callbackUrl(), login);
      tamper?.(callback);
      return planes.edgeApp.request(`${callback.pathname}${callback.search}`, {
        headers: { cookie: jar.header() },
      });
    }

    it('points Setup Assistant at Keep’s sign-in page in the ADE profile it defines', () => {
      const [, profile] = [...dep.profiles.entries()][0]!;
      expect(profile).toMatchObject({
        url: `${publicUrl()}/mdm/dep/enroll`,
        configuration_web_url: `${publicUrl()}/mdm/dep/sign-in`,
      });
    });

    it('serves the enrolment profile after the sign-in, and the user who signed in owns the Mac and its teams', async () => {
      const mac = newMac('C02SI0000001');
      const answer = await signInAs(mac, 'carol-at-idp');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/x-apple-aspen-config');
      await mac.enrollFromProfile(new Uint8Array(await answer.arrayBuffer()), {
        edgeCa: tlsCa.certPem,
        fakeApns: apns,
      });
      const device = await eventually(
        () =>
          planes.database.core.db
            .selectFrom('devices')
            .select('id')
            .where('udid', '=', mac.udid)
            .executeTakeFirst(),
        WAIT_MS,
      );
      const done = await eventually(async () => {
        const row = await planes.database.core.db
          .selectFrom('zero_touch_enrollments as z')
          .leftJoin('directory_users as u', 'u.id', 'z.owner_user_id')
          .select(['z.status', 'z.teams', 'u.email', 'u.source'])
          .where('z.device_id', '=', device.id)
          .executeTakeFirst();
        return row?.status === 'configured' || row?.status === 'failed' ? row : undefined;
      }, WAIT_MS);
      // carol came from the directory (synced when she signed in), not made up from the ID token.
      expect(done).toEqual({
        status: 'configured',
        teams: ['Engineering'],
        email: 'carol@keep.test',
        source: 'ldap',
      });
      expect(mac.state.awaitingConfiguration).toBe(false);
    });

    it('refuses a callback whose state is not the one this web view started, with a page and no profile', async () => {
      const answer = await signInAs(newMac('C02SI0000002'), 'dave-at-idp', (callback) =>
        callback.searchParams.set('state', 'forged-state'),
      );
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await answer.text()).toMatch(/state: does not match/);
    });

    it('refuses a sign-in the provider answered with an error, with a page and no profile', async () => {
      const answer = await signInAs(newMac('C02SI0000002'), 'dave-at-idp', (callback) => {
        callback.searchParams.delete('code');
        callback.searchParams.set('error', 'access_denied');
      });
      expect(answer.status).toBe(401);
      expect(await answer.text()).toMatch(/sign-in did not complete/);
    });

    it('refuses a replayed callback: the provider’s answer serves one enrolment', async () => {
      const mac = newMac('C02SI0000003');
      const start = await openSignInPage({ 'x-apple-aspen-deviceinfo': aspenDeviceInfo(mac.state) });
      const jar = new CookieJar();
      jar.store(start);
      const callback = await completeAuthorization(
        start.headers.get('location')!,
        callbackUrl(),
        'dave-at-idp',
      );
      const path = `${callback.pathname}${callback.search}`;
      const first = await planes.edgeApp.request(path, { headers: { cookie: jar.header() } });
      expect(first.status).toBe(200);
      const again = await planes.edgeApp.request(path, { headers: { cookie: jar.header() } });
      expect(again.status).toBe(401);
    });

    it('refuses a device ABM does not assign to Keep before anyone signs in', async () => {
      const answer = await openSignInPage({
        'x-apple-aspen-deviceinfo': aspenDeviceInfo(newMac('C02UNKNOWN77').state),
      });
      expect(answer.status).toBe(403);
      expect(await answer.text()).toMatch(/not assigned/);
    });

    it('refuses device info that is missing, unsigned or not signed by the certificate it carries', async () => {
      const mac = newMac('C02SI0000002');
      expect((await openSignInPage({})).status).toBe(400);
      const unsigned = machineInfoPlist(mac.state).toString('base64');
      const refused = await openSignInPage({ 'x-apple-aspen-deviceinfo': unsigned });
      expect(refused.status).toBe(400);
      const signed = Buffer.from(aspenDeviceInfo(mac.state), 'base64');
      signed[signed.length - 10]! ^= 0xff;
      const tampered = await openSignInPage({ 'x-apple-aspen-deviceinfo': signed.toString('base64') });
      expect(tampered.status).toBe(400);
      expect(await tampered.text()).toMatch(/signature does not verify/);
    });
  },
);
