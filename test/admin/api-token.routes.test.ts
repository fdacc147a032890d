import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/db.js';
import { useTestDatabase } from '../support/test-context.js';
import { BOOTSTRAP_TOKEN, call, testAdminApp, tokenFor, type AdminApp } from './support.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('API token expiry', () => {
  const database = useTestDatabase();
  let clock: Date;
  let app: AdminApp;

  beforeAll(async () => {
    clock = new Date();
    app = testAdminApp({ db: database.core.db, now: () => clock, identity: { tokenMaxDays: 30 } });
  });

  const create = (body: Record<string, unknown>) =>
    call(app, 'POST', '/v1/tokens', {
      token: BOOTSTRAP_TOKEN,
      body: { name: 'ci', role: 'operator', ...body },
    });

  it('requires expiresInDays, bounded by admin.tokenMaxDays', async () => {
    for (const body of [{}, { expiresInDays: 0 }, { expiresInDays: 31 }, { expiresInDays: 1.5 }]) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^expiresInDays:/);
    }
    const res = await create({ expiresInDays: 30 });
    expect(res.status).toBe(201);
    const { expiresAt } = (await res.json()) as { expiresAt: string };
    expect(Date.parse(expiresAt)).toBe(clock.getTime() + 30 * DAY_MS);
  });

  it('refuses an expired token with 401, and accepts it until then', async () => {
    const { token } = (await (await create({ expiresInDays: 1 })).json()) as { token: string };
    expect((await call(app, 'GET', '/v1/devices', { token })).status).toBe(200);
    const later = testAdminApp({ db: database.core.db, now: () => new Date(clock.getTime() + DAY_MS + 1) });
    const res = await call(later, 'GET', '/v1/devices', { token });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/expired/);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('records last use at most once a minute', async () => {
    const { id, token } = (await (await create({ expiresInDays: 1 })).json()) as {
      id: string;
      token: string;
    };
    const lastUsed = async () =>
      (
        await database.core.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).last_used_at?.getTime();
    const at = (ms: number) =>
      testAdminApp({ db: database.core.db, now: () => new Date(clock.getTime() + ms) });
    await call(at(0), 'GET', '/v1/devices', { token });
    expect(await lastUsed()).toBe(clock.getTime());
    await call(at(59_000), 'GET', '/v1/devices', { token });
    expect(await lastUsed()).toBe(clock.getTime());
    await call(at(61_000), 'GET', '/v1/devices', { token });
    expect(await lastUsed()).toBe(clock.getTime() + 61_000);
  });

  it('creates a token for one team only, and refuses an unknown team', async () => {
    const unknown = await create({ expiresInDays: 1, teamId: '5b0c8a43-0a8e-4b8a-9c55-2f1f1d1b7e41' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/^teamId:/);
    const team = (await (
      await call(app, 'POST', '/v1/teams', { token: BOOTSTRAP_TOKEN, body: { name: 'Lab' } })
    ).json()) as { id: string };
    const res = await create({ expiresInDays: 1, teamId: team.id, role: 'admin' });
    const { token, teamId } = (await res.json()) as { token: string; teamId: string };
    expect(teamId).toBe(team.id);
    // An admin of one team is not a global admin.
    expect((await call(app, 'GET', '/v1/tokens', { token })).status).toBe(403);
  });
});

describe('disabling the bootstrap token', () => {
  const database = useTestDatabase();
  let app: AdminApp;

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
  });

  const disable = (token: string) => call(app, 'POST', '/v1/bootstrap-token/disable', { token });

  it('is refused while no other admin exists, and by a non-admin', async () => {
    const res = await disable(BOOTSTRAP_TOKEN);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/no other admin/);
    expect((await disable(await tokenFor(database.core.db, 'operator'))).status).toBe(403);
    // An admin of one team is not another admin.
    const team = await database.core.db
      .insertInto('teams')
      .values({ name: 'Lab' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tokenFor(database.core.db, 'admin', { teamId: team.id });
    expect((await disable(BOOTSTRAP_TOKEN)).status).toBe(409);
    expect((await call(app, 'GET', '/v1/devices', { token: BOOTSTRAP_TOKEN })).status).toBe(200);
  });

  it('switches it off for good once an admin token exists, and the admin token keeps working', async () => {
    const adminToken = await tokenFor(database.core.db, 'admin');
    expect((await disable(BOOTSTRAP_TOKEN)).status).toBe(200);
    expect((await call(app, 'GET', '/v1/devices', { token: BOOTSTRAP_TOKEN })).status).toBe(401);
    // A new app over the same database (a restart) still refuses it.
    const restarted = testAdminApp({ db: database.core.db });
    expect((await call(restarted, 'GET', '/v1/devices', { token: BOOTSTRAP_TOKEN })).status).toBe(401);
    expect((await call(restarted, 'GET', '/v1/tokens', { token: adminToken })).status).toBe(200);
    const audit = await database.core.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('action', '=', 'bootstrap-token.disable')
      .execute();
    expect(audit).toEqual([{ action: 'bootstrap-token.disable', actor: 'bootstrap' }]);
  });

  it('refuses the bootstrap token when admin.bootstrapTokenEnabled is false', async () => {
    const fresh = await createTestDatabase();
    try {
      const off = testAdminApp({ db: fresh.core.db, identity: { bootstrapTokenEnabled: false } });
      expect((await call(off, 'GET', '/v1/devices', { token: BOOTSTRAP_TOKEN })).status).toBe(401);
    } finally {
      await fresh.drop();
    }
  });
});
