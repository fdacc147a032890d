import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/test-context.js';
import { call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const MINUTE = 60_000;

describe('the list of secret reveal requests', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db, now: () => NOW });
    for (const role of ['admin', 'helpdesk', 'auditor'] as const) tokens[role] = await tokenFor(db, role);
    const deviceId = await insertDevice(db);
    const row = (reason: string, status: 'awaiting-approval' | 'approved', expiresInMinutes: number) => ({
      id: randomUUID(),
      device_id: deviceId,
      kind: 'filevault-prk',
      reason,
      requested_by: 'token:asker',
      status,
      expires_at: new Date(NOW.getTime() + expiresInMinutes * MINUTE),
    });
    await db
      .insertInto('secret_reveal_requests')
      .values([
        { ...row('waiting', 'awaiting-approval', 5), created_at: new Date(NOW.getTime() - 4 * MINUTE) },
        { ...row('ran out', 'awaiting-approval', -1), created_at: new Date(NOW.getTime() - 3 * MINUTE) },
        { ...row('to see', 'approved', 5), created_at: new Date(NOW.getTime() - 2 * MINUTE) },
        {
          ...row('seen', 'approved', 5),
          revealed_at: new Date(NOW.getTime() - MINUTE),
          created_at: new Date(NOW.getTime() - MINUTE),
        },
      ])
      .execute();
  });

  it('lists every request newest first, with expiry and the reveal counted, never a secret', async () => {
    const res = await call(app, 'GET', '/v1/secret-reveal-requests', { token: tokens.admin });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { reason: string; status: string }[] };
    expect(items.map((i) => [i.reason, i.status])).toEqual([
      ['seen', 'revealed'],
      ['to see', 'approved'],
      ['ran out', 'expired'],
      ['waiting', 'awaiting-approval'],
    ]);
  });

  it('filters by where a request stands now', async () => {
    for (const [status, reasons] of [
      ['awaiting-approval', ['waiting']],
      ['expired', ['ran out']],
      ['approved', ['to see']],
      ['revealed', ['seen']],
    ] as const) {
      const res = await call(app, 'GET', `/v1/secret-reveal-requests?status=${status}`, {
        token: tokens.admin,
      });
      const { items } = (await res.json()) as { items: { reason: string }[] };
      expect(
        items.map((i) => i.reason),
        status,
      ).toEqual(reasons);
    }
    const bad = await call(app, 'GET', '/v1/secret-reveal-requests?status=maybe', { token: tokens.admin });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^status/);
  });

  it('refuses roles that may not reveal secrets', async () => {
    for (const role of ['helpdesk', 'auditor'])
      expect((await call(app, 'GET', '/v1/secret-reveal-requests', { token: tokens[role] })).status).toBe(
        403,
      );
  });
});
