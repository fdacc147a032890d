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

  it('advertises account-driven device enrolment at the well-known discovery path', async () => {
    const res = await fetch(`${publicUrl()}/.well-known/com.apple.remotemanagement`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      Servers: [{ Version: 'mdm-adde', BaseURL: `${publicUrl()}/mdm/account/enroll` }],
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
