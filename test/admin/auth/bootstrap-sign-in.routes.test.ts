import { describe, expect, it } from 'vitest';
import { CookieJar } from '../../support/oidc-provider.js';
import { useTestDatabase } from '../../support/test-context.js';
import { auditRows, BOOTSTRAP_TOKEN, call, insertDevice, testAdminApp, tokenFor } from '../support.js';

describe('POST /auth/bootstrap: console sign-in with the bootstrap token', () => {
  const database = useTestDatabase();

  async function signIn(app: ReturnType<typeof testAdminApp>, token = BOOTSTRAP_TOKEN) {
    const jar = new CookieJar();
    const res = await call(app, 'POST', '/auth/bootstrap', { body: { token } });
    jar.store(res);
    return { res, jar };
  }

  it('opens an audited admin session whose changes need the CSRF token', async () => {
    const app = testAdminApp({ db: database.core.db });
    const { res, jar } = await signIn(app);
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join()).toMatch(/keep_session=.*HttpOnly/i);
    expect((await auditRows(database.core.db, 'admin.sign-in')).at(-1)?.details).toEqual({
      method: 'bootstrap-token',
    });

    const session = await call(app, 'GET', '/auth/session', { headers: { cookie: jar.header() } });
    const body = (await session.json()) as { roles: string[]; permissions: string[]; csrfToken: string };
    expect(body.roles).toEqual(['admin']);
    expect(body.permissions).toContain('commands:send-any');

    const team = { name: 'console-team' };
    const forged = await call(app, 'POST', '/v1/teams', { body: team, headers: { cookie: jar.header() } });
    expect(forged.status).toBe(403);
    const made = await call(app, 'POST', '/v1/teams', {
      body: team,
      headers: { cookie: jar.header(), 'x-csrf-token': body.csrfToken },
    });
    expect(made.status).toBe(201);
  });

  it('refuses a wrong token, a foreign Origin, and every session once the token is switched off', async () => {
    const app = testAdminApp({ db: database.core.db });
    expect((await signIn(app, 'not-the-token')).res.status).toBe(401);
    const foreign = await call(app, 'POST', '/auth/bootstrap', {
      body: { token: BOOTSTRAP_TOKEN },
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);

    const { jar } = await signIn(app);
    const { csrfToken } = (await (
      await call(app, 'GET', '/auth/session', { headers: { cookie: jar.header() } })
    ).json()) as { csrfToken: string };
    const cookie = { cookie: jar.header(), 'x-csrf-token': csrfToken };
    const admin = await call(app, 'POST', '/v1/tokens', {
      body: { name: 'second admin', role: 'admin', expiresInDays: 30 },
      headers: cookie,
    });
    expect(admin.status).toBe(201);
    expect((await call(app, 'POST', '/v1/bootstrap-token/disable', { headers: cookie })).status).toBe(200);

    expect((await call(app, 'GET', '/v1/devices', { headers: { cookie: jar.header() } })).status).toBe(401);
    expect((await signIn(app)).res.status).toBe(401);
  });
});

describe('bootstrap-token sessions after a restart with the token switched off in the settings', () => {
  const database = useTestDatabase();

  it('ends them, and lets a later start with the token on open new ones', async () => {
    const db = database.core.db;
    const jar = new CookieJar();
    const opened = await call(testAdminApp({ db }), 'POST', '/auth/bootstrap', {
      body: { token: BOOTSTRAP_TOKEN },
    });
    expect(opened.status).toBe(204);
    jar.store(opened);
    const other = await (async () => {
      const token = await tokenFor(db, 'admin');
      return { authorization: `Bearer ${token}` };
    })();
    const restarted = testAdminApp({ db, identity: { bootstrapTokenEnabled: false } });
    expect((await call(restarted, 'GET', '/v1/devices', { headers: { cookie: jar.header() } })).status).toBe(
      401,
    );
    expect((await call(restarted, 'GET', '/v1/devices', { headers: other })).status).toBe(200);

    const enabledAgain = testAdminApp({ db });
    const fresh = new CookieJar();
    fresh.store(await call(enabledAgain, 'POST', '/auth/bootstrap', { body: { token: BOOTSTRAP_TOKEN } }));
    expect(
      (await call(enabledAgain, 'GET', '/v1/devices', { headers: { cookie: fresh.header() } })).status,
    ).toBe(200);
  });
});

describe('GET /v1/devices?q and GET /v1/fleet/summary, as the console uses them', () => {
  const database = useTestDatabase();

  it('finds devices by a piece of the serial number, name or UDID, wildcards taken literally', async () => {
    const db = database.core.db;
    const app = testAdminApp({ db });
    const wanted = await insertDevice(db, { serial_number: 'C02SEARCH1', name: 'Ada’s Mac' });
    await insertDevice(db, { serial_number: 'C02OTHER22', name: 'Reception' });
    const underscore = await insertDevice(db, { serial_number: 'X_1', name: 'odd' });
    const { jar } = await (async () => {
      const jar = new CookieJar();
      jar.store(await call(app, 'POST', '/auth/bootstrap', { body: { token: BOOTSTRAP_TOKEN } }));
      return { jar };
    })();
    const search = async (q: string) => {
      const res = await call(app, 'GET', `/v1/devices?q=${encodeURIComponent(q)}`, {
        headers: { cookie: jar.header() },
      });
      return ((await res.json()) as { items: { id: string }[] }).items.map((d) => d.id);
    };
    expect(await search('search1')).toEqual([wanted]);
    expect(await search('ADA')).toEqual([wanted]);
    expect(await search('_')).toEqual([underscore]);

    const summary = await call(app, 'GET', '/v1/fleet/summary', { headers: { cookie: jar.header() } });
    expect(await summary.json()).toMatchObject({
      total: 3,
      byPlatform: [{ platform: 'apple', count: 3 }],
      quiet: 3,
    });
  });
});
