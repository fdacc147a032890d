import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/global-setup.js';
import {
  completeAuthorization,
  OIDC_CLIENT,
  startOidcProvider,
  type TestProvider,
} from '../../support/oidc-provider.js';
import { opensslVerify } from '../../support/openssl-verify.js';
import { slapdInstalled } from '../../support/slapd.js';
import { httpRequest, type HttpAgents, type HttpResult } from '../apple/mdm-http.js';
import { pem } from '../scep/x509-builder.js';
import { agents, BROKER_APPRU, SimulatedPc, type FederatedSignIn } from './simulated-pc.js';
import { startWindowsEnvironment, type WindowsEnvironment } from './windows-environment.js';

describe.skipIf(!slapdInstalled())('federated Windows enrolment through Keep’s OIDC sign-in page', () => {
  let env: WindowsEnvironment;
  let provider: TestProvider;
  let browser: HttpAgents;
  let publicUrl: string;
  const pcs: SimulatedPc[] = [];

  const callbackUrl = () => `${publicUrl}/EnrollmentServer/SignIn/callback`;

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `https://127.0.0.1:${port}`;
    provider = await startOidcProvider({
      redirectUri: callbackUrl(),
      accounts: [{ sub: 'ada', email: 'ada@keep.test', preferred_username: 'ada' }],
    });
    env = await startWindowsEnvironment({
      users: [],
      port,
      edgeEnv: { KEEP_EDGE_WINDOWS_FEDERATED: 'true', KEEP_EDGE_PUBLIC_URL: publicUrl },
      coreEnv: {
        KEEP_CORE_SIGN_IN_ISSUER: provider.issuer,
        KEEP_CORE_SIGN_IN_CLIENT_ID: OIDC_CLIENT.id,
        KEEP_CORE_SIGN_IN_CLIENT_SECRET: OIDC_CLIENT.secret,
      },
    });
    browser = agents(env.tlsCa.certPem);
  });
  afterAll(async () => {
    pcs.forEach((pc) => pc.close());
    browser?.https.destroy();
    await env?.close();
    await provider?.close();
  });

  function newPc(): SimulatedPc {
    const pc = new SimulatedPc({ edgeCa: env.tlsCa.certPem });
    pcs.push(pc);
    return pc;
  }

  const get = (url: string, cookie?: string): Promise<HttpResult> =>
    httpRequest('GET', url, undefined, cookie ? { cookie } : {}, browser);

  /** The user in the web broker's window: Keep's page, the provider's sign-in, back to Keep's token page. */
  async function signInPage(signInUrl: string): Promise<HttpResult> {
    const start = await get(signInUrl);
    expect(start.status).toBe(302);
    const cookie = [start.headers['set-cookie'] ?? []]
      .flat()
      .map((line) => line.split(';')[0])
      .join('; ');
    const authorization = new URL(start.headers.location!);
    expect(authorization.searchParams.get('login_hint')).toBe('ada@keep.test');
    const callback = await completeAuthorization(authorization.href, callbackUrl(), 'ada');
    return get(callback.href, cookie);
  }

  /** What the token page posts to the broker's appru: its form's action and `wresult`. */
  function postedToken(page: HttpResult): { action: string; wresult: string } {
    const body = page.body.toString('utf8');
    return {
      action: /<form method="post" action="([^"]+)"/.exec(body)![1]!,
      wresult: /name="wresult" value="([^"]+)"/.exec(body)![1]!,
    };
  }

  const signedIn = (replace?: (token: string) => Promise<string>): FederatedSignIn => ({
    email: 'ada@keep.test',
    async broker(signInUrl, appru) {
      const { action, wresult } = postedToken(await signInPage(signInUrl));
      expect(action).toBe(appru);
      return replace ? replace(wresult) : wresult;
    },
  });

  it('enrols after the user signs in with the OIDC provider, and the identity verifies against Keep’s chain', async () => {
    const pc = newPc();
    let token = '';
    const result = await pc.enroll(
      env.served.baseUrl,
      signedIn(async (t) => (token = t)),
    );
    expect(result.ok).toBe(true);
    const enrollment = await env.planes.database.edge.db
      .selectFrom('windows_enrollments')
      .selectAll()
      .where('hardware_id', '=', pc.deviceId)
      .executeTakeFirstOrThrow();
    const { verdict, text } = opensslVerify(pem(pc.provisioned!.deviceCertDer), env.planes.trust.chain());
    expect(verdict).toContain('leaf.pem: OK');
    expect(text).toContain(`URI:urn:keep:enrollment:${enrollment.id}`);
    const signIn = await env.planes.database.core.db
      .selectFrom('windows_sign_ins as s')
      .innerJoin('directory_users as u', 'u.id', 's.user_id')
      .select(['u.email', 's.token_used_by'])
      .where('s.token_hash', '=', sha256(token))
      .executeTakeFirstOrThrow();
    expect(signIn).toEqual({ email: 'ada@keep.test', token_used_by: enrollment.id });
  });

  it('refuses a forged token with s:Authentication', async () => {
    const result = await newPc().enroll(env.served.baseUrl, {
      email: 'ada@keep.test',
      broker: () => Promise.resolve('forged-token-that-keep-never-issued'),
    });
    expect(result).toEqual({ ok: false, status: 401, fault: 's:Authentication' });
  });

  it('refuses an expired token with s:Authentication', async () => {
    const result = await newPc().enroll(
      env.served.baseUrl,
      signedIn(async (token) => {
        await env.planes.database.core.db
          .updateTable('windows_sign_ins')
          .set({ token_expires_at: new Date(Date.now() - 1000) })
          .where('token_hash', '=', sha256(token))
          .execute();
        return token;
      }),
    );
    expect(result).toEqual({ ok: false, status: 401, fault: 's:Authentication' });
  });

  it('refuses a token another enrolment already used', async () => {
    let token = '';
    const first = await newPc().enroll(
      env.served.baseUrl,
      signedIn(async (t) => (token = t)),
    );
    expect(first.ok).toBe(true);
    const second = await newPc().enroll(env.served.baseUrl, {
      email: 'ada@keep.test',
      broker: () => Promise.resolve(token),
    });
    expect(second).toEqual({ ok: false, status: 401, fault: 's:Authentication' });
  });

  it('serves the token page with a CSP that allows no inline script', async () => {
    const url = new URL(`${publicUrl}/EnrollmentServer/SignIn`);
    url.searchParams.set('appru', BROKER_APPRU);
    url.searchParams.set('login_hint', 'ada@keep.test');
    const page = await signInPage(url.href);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body.toString('utf8')).not.toMatch(/<script>[^<]/);
    const script = await get(`${publicUrl}/EnrollmentServer/SignIn/post.js`);
    expect(script.status).toBe(200);
  });

  it('refuses a callback whose state is not the one this browser started', async () => {
    const url = new URL(`${publicUrl}/EnrollmentServer/SignIn`);
    url.searchParams.set('appru', BROKER_APPRU);
    const start = await get(url.href);
    expect(start.status).toBe(302);
    const callback = await completeAuthorization(start.headers.location!, callbackUrl(), 'ada');
    // Another browser's cookie (an attacker replaying their own callback into the victim's window).
    const refused = await get(callback.href, 'keep_windows_sign_in=someone-elses-state');
    expect(refused.status).toBe(400);
  });

  it('never sends a token to an appru other than the broker’s ms-app:// address', async () => {
    const url = new URL(`${publicUrl}/EnrollmentServer/SignIn`);
    url.searchParams.set('appru', 'https://attacker.example/collect');
    const refused = await get(url.href);
    expect(refused.status).toBe(400);
    expect(refused.body.toString('utf8')).toContain('appru');
  });
});

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
