// Account-driven device enrolment end to end: a simulated iPhone discovers Keep at
// `/.well-known/com.apple.remotemanagement`, is challenged with `apple-as-web`, signs in at a real OIDC provider,
// gets its access token at `apple-remotemanagement-user-login://…`, trades it for the enrolment profile and enrols
// through the real edge (HTTPS), Temporal and core.
import { createServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createAdminApp } from '../../admin/app.js';
import { generateToken } from '../../admin/auth/token-hash.js';
import { isPlistDict, parsePlistDict, type PlistValue } from '../../core/apple/plist-codec.js';
import { verifySignedData } from '../../core/cms/index.js';
import { createFakeApns, type RunningFakeApns } from '../fakes/apns/fake-apns.js';
import {
  accountDrivenEnrollment,
  AccountEnrollmentError,
  parseBearerChallenge,
  type Fetch,
} from '../sim/apple/account-enrollment.js';
import { machineInfoPlist } from '../sim/apple/machine-info.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
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
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { useTestPlanes } from '../support/test-context.js';

const WAIT_MS = 120_000;

describe('account-driven enrolment of an Apple device after a web sign-in', { timeout: 300_000 }, () => {
  const adminToken = generateToken();
  const tlsCa = createTestCa('Keep Test TLS CA');
  const pushCa = createTestCa('Keep Test Push CA');
  const apns = createFakeApns({ clientCaPem: pushCa.certPem });
  let runningApns: RunningFakeApns;
  let provider: TestProvider;
  let port: number;
  let server: ServerType;
  let admin: ReturnType<typeof createAdminApp>;
  const devices: SimulatedAppleDevice[] = [];

  const publicUrl = () => `https://127.0.0.1:${port}`;
  const callbackUrl = () => `${publicUrl()}/mdm/account/sign-in/callback`;

  beforeAll(async () => {
    [runningApns, port] = await Promise.all([apns.start(), freePort()]);
    provider = await startOidcProvider({
      redirectUri: callbackUrl(),
      accounts: [{ sub: 'erin-at-idp', email: 'erin@keep.test', preferred_username: 'erin' }],
    });
  });

  const planes = useTestPlanes(() => ({
    apns: { url: runningApns.url, caPem: runningApns.caPem },
    edgePublicUrl: publicUrl(),
    edgeEnv: { KEEP_EDGE_PUBLIC_URL: publicUrl(), KEEP_EDGE_APPLE_ACCOUNT_ENROLLMENT: 'true' },
    coreEnv: {
      KEEP_CORE_SIGN_IN_ISSUER: provider.issuer,
      KEEP_CORE_SIGN_IN_CLIENT_ID: OIDC_CLIENT.id,
      KEEP_CORE_SIGN_IN_CLIENT_SECRET: OIDC_CLIENT.secret,
      KEEP_DEP_TEAM_RULES: 'sales-emea=Sales,staff=All staff',
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
    const imported = await admin.request('/v1/push-certificate', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ certPem: push.certPem, keyPem: push.keyPem }),
    });
    const { workflowId } = (await imported.json()) as { workflowId: string };
    await planes.temporal.workflow.getHandle(workflowId).result();
  }, 120_000);

  afterAll(async () => {
    for (const device of devices) device.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await Promise.all([runningApns?.close(), provider?.close()]);
  });

  /** The device's requests reach the edge app directly; the enrolment that follows goes over HTTPS. */
  const fetch: Fetch = (url, init) => Promise.resolve(planes.edgeApp.request(url, init));

  /** ASWebAuthenticationSession: Keep's page, the provider's sign-in as `login`, Keep's callback. */
  const webSignIn =
    (login: string) =>
    async (url: string): Promise<string> => {
      const start = await fetch(url);
      expect(start.status).toBe(302);
      const jar = new CookieJar();
      jar.store(start);
      const callback = await completeAuthorization(start.headers.get('location')!, callbackUrl(), login);
      const done = await fetch(callback.href, { headers: { cookie: jar.header() } });
      expect(done.status).toBe(302);
      return done.headers.get('location')!;
    };

  function newPhone(): SimulatedAppleDevice {
    const phone = new SimulatedAppleDevice({ kind: 'iphone' });
    devices.push(phone);
    return phone;
  }

  /** The profile's MDM payload, read from inside its signature. */
  function mdmPayload(profile: Uint8Array) {
    const content = parsePlistDict(verifySignedData(Buffer.from(profile)).content);
    const payloads = (content.PayloadContent as PlistValue[]).filter(isPlistDict);
    return payloads.find((p) => p.PayloadType === 'com.apple.mdm')!;
  }

  it('advertises account-driven device enrolment and BYOD User Enrollment at the well-known discovery path', async () => {
    const res = await fetch(`${publicUrl()}/.well-known/com.apple.remotemanagement`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      Servers: [
        { Version: 'mdm-byod', BaseURL: `${publicUrl()}/mdm/account/user-enroll` },
        { Version: 'mdm-adde', BaseURL: `${publicUrl()}/mdm/account/enroll` },
      ],
    });
  });

  it('challenges an enrolment request without a token to sign in on the web', async () => {
    const res = await fetch(`${publicUrl()}/mdm/account/enroll`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(401);
    expect(parseBearerChallenge(res.headers.get('www-authenticate'))).toEqual({
      method: 'apple-as-web',
      url: `${publicUrl()}/mdm/account/sign-in`,
    });
  });

  it('enrols the device after the sign-in, for the Managed Apple Account of the user who signed in', async () => {
    const phone = newPhone();
    const { profile } = await accountDrivenEnrollment({
      fetch,
      domainUrl: publicUrl(),
      machineInfo: machineInfoPlist(phone.state),
      signIn: webSignIn('erin-at-idp'),
    });
    expect(mdmPayload(profile)).toMatchObject({
      EnrollmentMode: 'ADDE',
      AssignedManagedAppleID: 'erin@keep.test',
    });
    await phone.enrollFromProfile(profile, { edgeCa: tlsCa.certPem, fakeApns: apns });
    const device = await eventually(
      () =>
        planes.database.core.db
          .selectFrom('devices')
          .select('id')
          .where('udid', '=', phone.udid)
          .executeTakeFirst(),
      WAIT_MS,
    );
    expect(device.id).toBeDefined();
    // The enrolment is bound, in the core, to the user who signed in.
    const owner = await planes.database.core.db
      .selectFrom('apple_sign_ins as s')
      .innerJoin('directory_users as u', 'u.id', 's.user_id')
      .select(['u.email', 's.enrollment_id'])
      .where('s.enrollment_id', 'is not', null)
      .execute();
    expect(owner).toEqual([{ email: 'erin@keep.test', enrollment_id: expect.any(String) }]);
  });

  it('enrols a personal iPhone as a User Enrollment known by its EnrollmentID, and refuses device-wide commands to it', async () => {
    const phone = newPhone();
    const { profile } = await accountDrivenEnrollment({
      fetch,
      domainUrl: publicUrl(),
      machineInfo: machineInfoPlist(phone.state),
      signIn: webSignIn('erin-at-idp'),
      version: 'mdm-byod',
    });
    expect(mdmPayload(profile)).toMatchObject({
      EnrollmentMode: 'BYOD',
      AssignedManagedAppleID: 'erin@keep.test',
    });
    await phone.enrollFromProfile(profile, { edgeCa: tlsCa.certPem, fakeApns: apns });
    expect(phone.enrollmentId).toBeDefined();
    // No UDID and no serial reach Keep: the EnrollmentID is the routing id, at the edge and in the inventory.
    const edgeRow = await planes.database.edge.db
      .selectFrom('apple_enrollments')
      .select(['udid', 'kind'])
      .where('udid', '=', phone.enrollmentId!)
      .executeTakeFirstOrThrow();
    expect(edgeRow.kind).toBe('user-enrollment');
    const device = await eventually(
      () =>
        planes.database.core.db
          .selectFrom('devices')
          .select(['id', 'udid', 'serial_number', 'os_platform'])
          .where('udid', '=', phone.enrollmentId!)
          // The OS family comes with the first inventory (DeviceInformation's ProductName).
          .where('os_platform', 'is not', null)
          .executeTakeFirst(),
      WAIT_MS,
    );
    expect(device).toMatchObject({ serial_number: null, os_platform: 'iOS' });
    const command = (body: unknown) =>
      admin.request(`/v1/devices/${device.id}/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const erase = await command({ requestType: 'EraseDevice' });
    expect(erase.status).toBe(409);
    expect(((await erase.json()) as { error: string }).error).toContain('User Enrollment');
    // What Apple allows on a personal iPhone goes, and the device answers it over its EnrollmentID.
    const lock = await command({ requestType: 'DeviceLock' });
    expect(lock.status).toBe(202);
    const { commandUuid } = (await lock.json()) as { commandUuid: string };
    // The push wakes the phone, whose session answers the lock.
    await eventually(
      () =>
        planes.database.core.db
          .selectFrom('device_commands')
          .select('status')
          .where('command_uuid', '=', commandUuid)
          .where('status', '=', 'acknowledged')
          .executeTakeFirst(),
      WAIT_MS,
    );
  });

  it("places an account-driven device in the teams its owner's directory groups map to", async () => {
    const phone = newPhone();
    const { profile } = await accountDrivenEnrollment({
      fetch,
      domainUrl: publicUrl(),
      machineInfo: machineInfoPlist(phone.state),
      signIn: webSignIn('erin-at-idp'),
    });
    // Erin's groups, as a directory sync or SCIM would have left them: one mapped to a team, one not.
    const db = planes.database.core.db;
    const erin = await db
      .selectFrom('directory_users')
      .select('id')
      .where('email', '=', 'erin@keep.test')
      .executeTakeFirstOrThrow();
    for (const name of ['sales-emea', 'book-club']) {
      const group = await db
        .insertInto('directory_groups')
        .values({ source: 'scim', external_id: `group-${name}`, name, dn: null, deleted_at: null })
        .onConflict((oc) => oc.columns(['source', 'external_id']).doUpdateSet({ name }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('directory_memberships')
        .values({ user_id: erin.id, group_id: group.id, direct: true })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await phone.enrollFromProfile(profile, { edgeCa: tlsCa.certPem, fakeApns: apns });
    const teams = await eventually(async () => {
      const rows = await db
        .selectFrom('devices')
        .innerJoin('device_teams', 'device_teams.device_id', 'devices.id')
        .innerJoin('teams', 'teams.id', 'device_teams.team_id')
        .select('teams.name')
        .where('devices.udid', '=', phone.udid)
        .execute();
      return rows.length > 0 ? rows.map((r) => r.name) : undefined;
    }, WAIT_MS);
    expect(teams).toEqual(['Sales']);
  });

  it('serves a token once: a second enrolment with it is challenged again', async () => {
    const first = await accountDrivenEnrollment({
      fetch,
      domainUrl: publicUrl(),
      machineInfo: machineInfoPlist(newPhone().state),
      signIn: webSignIn('erin-at-idp'),
    });
    const again = await fetch(`${publicUrl()}/mdm/account/enroll`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.accessToken}` },
      body: 'x',
    });
    expect(again.status).toBe(401);
    expect(parseBearerChallenge(again.headers.get('www-authenticate')).method).toBe('apple-as-web');
  });

  it('refuses a token Keep never issued', async () => {
    const attempt = accountDrivenEnrollment({
      fetch,
      domainUrl: publicUrl(),
      machineInfo: machineInfoPlist(newPhone().state),
      signIn: webSignIn('erin-at-idp'),
      presentToken: () => 'forged-token-that-keep-never-issued',
    });
    await expect(attempt).rejects.toMatchObject({ response: { status: 401 } });
    await expect(attempt).rejects.toBeInstanceOf(AccountEnrollmentError);
  });

  it('refuses a callback whose state is not the one this session started, with a page and no token', async () => {
    const start = await fetch(`${publicUrl()}/mdm/account/sign-in`);
    const jar = new CookieJar();
    jar.store(start);
    const callback = await completeAuthorization(
      start.headers.get('location')!,
      callbackUrl(),
      'erin-at-idp',
    );
    callback.searchParams.set('state', 'forged-state');
    const answer = await fetch(callback.href, { headers: { cookie: jar.header() } });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
  });
});
