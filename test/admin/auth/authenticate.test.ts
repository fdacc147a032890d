import { beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../admin/auth/token-hash.js';
import { BOOTSTRAP_TOKEN, call, testAdminApp, type AdminApp } from '../support.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('admin authentication', () => {
  const database = useTestDatabase();
  let app: AdminApp;

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
  });

  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const res = await call(app, 'GET', '/v1/devices');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await res.json()) as { error: string }).error).toMatch(/authorization/);
  });

  it('answers 401 for a wrong token and for a malformed header', async () => {
    for (const authorization of ['Bearer keep_not-a-real-token', 'Basic dXNlcjpwYXNz', 'Bearer ']) {
      const res = await app.request('/v1/devices', { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    }
  });

  it('lets the bootstrap token in as admin', async () => {
    const res = await call(app, 'GET', '/v1/tokens', { token: BOOTSTRAP_TOKEN });
    expect(res.status).toBe(200);
  });

  it('leaves /healthz and /openapi.json open', async () => {
    expect((await call(app, 'GET', '/healthz')).status).toBe(200);
    expect((await call(app, 'GET', '/openapi.json')).status).toBe(200);
  });

  it('creates an API token shown once, stores only its hash, and accepts it until it is revoked', async () => {
    const created = await call(app, 'POST', '/v1/tokens', {
      token: BOOTSTRAP_TOKEN,
      body: { name: 'ops laptop', role: 'operator', expiresInDays: 30 },
    });
    expect(created.status).toBe(201);
    const { id, token, role } = (await created.json()) as { id: string; token: string; role: string };
    expect(role).toBe('operator');
    expect(token).toMatch(/^keep_/);

    const row = await database.core.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.last_used_at).toBeNull();

    expect((await call(app, 'GET', '/v1/devices', { token })).status).toBe(200);
    const used = await database.core.db
      .selectFrom('api_tokens')
      .select('last_used_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(used.last_used_at).toBeInstanceOf(Date);

    const listed = await call(app, 'GET', '/v1/tokens', { token: BOOTSTRAP_TOKEN });
    const list = await listed.text();
    expect(list).toContain(id);
    expect(list).not.toContain(token);
    expect(list).not.toContain(row.token_hash);

    const revoked = await call(app, 'DELETE', `/v1/tokens/${id}`, { token: BOOTSTRAP_TOKEN });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull();

    const after = await call(app, 'GET', '/v1/devices', { token });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('audits token creation and revocation, naming the actor', async () => {
    const rows = await database.core.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target_kind', '=', 'api-token')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['api-token.create', 'bootstrap'],
      ['api-token.revoke', 'bootstrap'],
    ]);
  });

  it('refuses a token request naming the bad field', async () => {
    const res = await call(app, 'POST', '/v1/tokens', {
      token: BOOTSTRAP_TOKEN,
      body: { name: 'x', role: 'superuser', expiresInDays: 1 },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^role:/);
  });

  it('accepts only API tokens when no bootstrap hash is configured', async () => {
    const strict = testAdminApp({ db: database.core.db, bootstrapTokenHash: undefined });
    expect((await call(strict, 'GET', '/v1/devices', { token: BOOTSTRAP_TOKEN })).status).toBe(401);
  });
});
