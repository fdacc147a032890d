import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentitySettings } from '../../../admin/auth/identity.js';
import {
  completeAuthorization,
  CookieJar,
  OIDC_CLIENT,
  startOidcProvider,
  type TestProvider,
} from '../../support/oidc-provider.js';
import { createLogger } from '../../../core/log/logger.js';
import { testAdminApp, type AdminApp } from '../support.js';
import { useTestDatabase } from '../../support/test-context.js';

const PUBLIC_URL = 'http://127.0.0.1:8080';
const REDIRECT_URI = `${PUBLIC_URL}/auth/callback`;
const HOUR_MS = 3_600_000;

const accounts = [
  { sub: 'alice', email: 'alice@example.com', preferred_username: 'alice', groups: ['keep-admins'] },
  { sub: 'bob', email: 'bob@example.com', preferred_username: 'bob', groups: ['staff'] },
  { sub: 'carol-at-idp', email: 'Carol@Example.com', preferred_username: 'carol', groups: [] },
];

describe('OIDC admin sign-in', () => {
  const database = useTestDatabase();
  let provider: TestProvider;
  let foreign: TestProvider;
  let clock: Date;
  let app: AdminApp;
  /** Why the last sign-ins were refused, as the admin logged it. */
  const refusals: string[] = [];
  const log = createLogger('test', 'warn', { write: (line: string) => void refusals.push(line) });
  const lastRefusal = () => refusals.at(-1) ?? '';

  const identity = (issuer: string): Partial<IdentitySettings> => ({
    publicUrl: PUBLIC_URL,
    oidcIssuer: issuer,
    oidcClientId: OIDC_CLIENT.id,
    oidcClientSecret: OIDC_CLIENT.secret,
    oidcScopes: 'openid email profile groups',
    oidcRoleMapping: 'keep-admins=admin,helpdesk=helpdesk',
  });

  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUri: REDIRECT_URI, accounts });
    foreign = await startOidcProvider({ redirectUri: REDIRECT_URI, accounts });
    clock = new Date();
    app = testAdminApp({ db: database.core.db, log, now: () => clock, identity: identity(provider.issuer) });
  });
  afterAll(async () => {
    await provider?.close();
    await foreign?.close();
  });

  /** /auth/login in a fresh browser: its cookies and the provider URL it is sent to. */
  async function startLogin(on: AdminApp = app) {
    const jar = new CookieJar();
    const res = await on.request('/auth/login');
    expect(res.status).toBe(302);
    jar.store(res);
    return { jar, authorizationUrl: res.headers.get('location')! };
  }

  function callback(on: AdminApp, jar: CookieJar, url: URL) {
    return on.request(`/auth/callback${url.search}`, { headers: { cookie: jar.header() } });
  }

  async function signIn(login: string, on: AdminApp = app) {
    const { jar, authorizationUrl } = await startLogin(on);
    const back = await completeAuthorization(authorizationUrl, REDIRECT_URI, login);
    const res = await callback(on, jar, back);
    jar.store(res);
    return { res, jar, back };
  }

  async function sessionOf(jar: CookieJar) {
    const res = await app.request('/auth/session', { headers: { cookie: jar.header() } });
    expect(res.status).toBe(200);
    return (await res.json()) as { subject: string; roles: string[]; csrfToken: string };
  }

  it('signs in with PKCE and ends with a session of the mapped role that the API accepts', async () => {
    const { authorizationUrl } = await startLogin();
    const params = new URL(authorizationUrl).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toBe(REDIRECT_URI);

    const { res, jar } = await signIn('alice');
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('keep_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // the public URL is plain http here
    const session = await sessionOf(jar);
    expect(session.roles).toEqual(['admin']);
    expect((await app.request('/v1/devices', { headers: { cookie: jar.header() } })).status).toBe(200);

    const user = await database.core.db
      .selectFrom('directory_users')
      .selectAll()
      .where('id', '=', session.subject.replace('user:', ''))
      .executeTakeFirstOrThrow();
    expect([user.source, user.username, user.email]).toEqual(['oidc', 'alice', 'alice@example.com']);
    const stored = await database.core.db.selectFrom('admin_sessions').select('id_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(jar.get('keep_session'));
  });

  it('requires the CSRF token and a matching Origin on state-changing cookie requests', async () => {
    const { jar } = await signIn('alice');
    const { csrfToken } = await sessionOf(jar);
    const post = (headers: Record<string, string>) =>
      app.request('/v1/teams', {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: `t-${Object.keys(headers).join('-')}` }),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': 'keep_wrong' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrfToken, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrfToken, origin: PUBLIC_URL })).status).toBe(201);
  });

  it('signs out: the session stops working', async () => {
    const { jar } = await signIn('alice');
    const { csrfToken } = await sessionOf(jar);
    const refused = await app.request('/auth/logout', { method: 'POST', headers: { cookie: jar.header() } });
    expect(refused.status).toBe(403);
    const out = await app.request('/auth/logout', {
      method: 'POST',
      headers: { cookie: jar.header(), 'x-csrf-token': csrfToken },
    });
    expect(out.status).toBe(204);
    expect((await app.request('/v1/devices', { headers: { cookie: jar.header() } })).status).toBe(401);
  });

  it('refuses a user whose claim maps to no role and who holds no grant, with 403', async () => {
    const { res, jar } = await signIn('bob');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/no role/);
    expect(jar.get('keep_session')).toBeUndefined();
  });

  it('takes roles from grants on the directory groups of the matching directory user', async () => {
    const db = database.core.db;
    const carol = await db
      .insertInto('directory_users')
      .values({
        source: 'ldap',
        external_id: 'guid-carol',
        username: 'carol',
        email: 'carol@example.com',
        department: null,
        display_name: null,
        deleted_at: null,
        attributes: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const group = await db
      .insertInto('directory_groups')
      .values({ source: 'ldap', external_id: 'guid-helpdesk', name: 'Help desk', dn: null, deleted_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('directory_memberships')
      .values({ user_id: carol.id, group_id: group.id, direct: true })
      .execute();
    await db
      .insertInto('role_grants')
      .values({
        subject_kind: 'group',
        subject_id: group.id,
        role: 'helpdesk',
        team_id: null,
        created_by: 'test',
      })
      .execute();
    const { res, jar } = await signIn('carol-at-idp');
    expect(res.status).toBe(303);
    const session = await sessionOf(jar);
    expect(session).toMatchObject({ subject: `user:${carol.id}`, roles: ['helpdesk'] });
  });

  it('refuses a callback whose state is not the one this browser started', async () => {
    const { jar, authorizationUrl } = await startLogin();
    const back = await completeAuthorization(authorizationUrl, REDIRECT_URI, 'alice');
    const tampered = new URL(back);
    tampered.searchParams.set('state', 'not-the-state');
    expect((await callback(app, jar, tampered)).status).toBe(400);
    // Another browser (no sign-in cookie) cannot finish this sign-in either.
    expect((await callback(app, new CookieJar(), back)).status).toBe(400);
  });

  it('refuses an ID token whose nonce is not the stored one', async () => {
    const { jar, authorizationUrl } = await startLogin();
    const back = await completeAuthorization(authorizationUrl, REDIRECT_URI, 'alice');
    await database.core.db
      .updateTable('admin_oidc_logins')
      .set({ nonce: 'tampered' })
      .where('state', '=', back.searchParams.get('state')!)
      .execute();
    const res = await callback(app, jar, back);
    expect(res.status).toBe(401);
    expect(lastRefusal()).toContain('unexpected ID Token \\"nonce\\" claim value');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('keep_session='))).toBe(false);
  });

  it('refuses an expired ID token', async () => {
    // The admin's clock is two hours past the provider's: the one-hour ID token has expired.
    const late = testAdminApp({
      db: database.core.db,
      log,
      now: () => new Date(Date.now() + 2 * HOUR_MS),
      identity: identity(provider.issuer),
    });
    const { res } = await signIn('alice', late);
    expect(res.status).toBe(401);
    expect(lastRefusal()).toContain('OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
  });

  it('refuses a sign-in completed at a foreign issuer', async () => {
    const { jar, authorizationUrl } = await startLogin();
    const elsewhere = new URL(authorizationUrl);
    const foreignUrl = new URL(elsewhere.pathname + elsewhere.search, foreign.issuer);
    const back = await completeAuthorization(foreignUrl.href, REDIRECT_URI, 'alice');
    expect(back.searchParams.get('iss')).toBe(foreign.issuer);
    expect((await callback(app, jar, back)).status).toBe(401);
    expect(lastRefusal()).toContain('unexpected \\"iss\\" (issuer) response parameter value');
  });

  it('refuses a replayed code, with its own state or a fresh one', async () => {
    const { res, jar, back } = await signIn('alice');
    expect(res.status).toBe(303);
    expect((await callback(app, jar, back)).status).toBe(400);
    const fresh = await startLogin();
    const replay = new URL(back);
    replay.searchParams.set('state', new URL(fresh.authorizationUrl).searchParams.get('state')!);
    expect((await callback(app, fresh.jar, replay)).status).toBe(401);
    expect(lastRefusal()).toContain('OAUTH_RESPONSE_BODY_ERROR');
  });

  it('ends a session after the idle timeout and after its absolute lifetime', async () => {
    const later = (jar: CookieJar, ms: number) => {
      clock = new Date(clock.getTime() + ms);
      return app.request('/v1/devices', { headers: { cookie: jar.header() } });
    };
    const idle = await signIn('alice');
    expect((await later(idle.jar, 59 * 60_000)).status).toBe(200);
    expect((await later(idle.jar, 61 * 60_000)).status).toBe(401);

    const busy = await signIn('alice');
    for (let i = 0; i < 14; i++) expect((await later(busy.jar, 50 * 60_000)).status).toBe(200);
    // 12 hours after sign-in, however busy.
    expect((await later(busy.jar, 50 * 60_000)).status).toBe(401);
  });
});
