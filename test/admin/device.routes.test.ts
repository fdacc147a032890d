import { beforeAll, describe, expect, it } from 'vitest';
import { call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

interface DevicePage {
  items: { id: string; platform: string; enrollmentStatus: string }[];
  nextCursor: string | null;
}

describe('GET /v1/devices', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let token: string;
  const ids: string[] = [];

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
    token = await tokenFor(database.core.db, 'helpdesk');
    for (const platform of ['apple', 'apple', 'windows', 'apple'] as const) {
      ids.push(await insertDevice(database.core.db, { platform }));
    }
    ids.push(
      await insertDevice(database.core.db, {
        platform: 'apple',
        enrollment_status: 'checked-out',
        facts: { OSVersion: '15.1' },
        last_seen_at: new Date('2026-11-01T10:00:00Z'),
      }),
    );
  });

  const get = async <T>(path: string) => {
    const res = await call(app, 'GET', path, { token });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  it('pages through every device without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: DevicePage = await get(`/v1/devices?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('filters by platform and enrollment status', async () => {
    const windows = await get<DevicePage>('/v1/devices?platform=windows');
    expect(windows.items.map((d) => d.id)).toEqual([ids[2]]);
    const out = await get<DevicePage>('/v1/devices?status=checked-out');
    expect(out.items.map((d) => d.id)).toEqual([ids[4]]);
  });

  it('answers 400 naming a bad filter, limit or cursor', async () => {
    for (const [query, field] of [
      ['platform=beos', 'platform'],
      ['limit=0', 'limit'],
      ['cursor=bogus', 'cursor'],
    ]) {
      const res = await call(app, 'GET', `/v1/devices?${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^${field}:`));
    }
  });

  it('shows one device with facts, enrollment state and last check-in; 404 for an unknown one', async () => {
    const device = await get<Record<string, unknown>>(`/v1/devices/${ids[4]}`);
    expect(device).toMatchObject({
      id: ids[4],
      facts: { OSVersion: '15.1' },
      enrollment: { status: 'checked-out' },
      lastSeenAt: '2026-11-01T10:00:00.000Z',
      pendingCommands: 0,
    });
    for (const id of ['0b9d3a3c-1d8e-4f0e-9a0a-6f1e2a3b4c5d', 'not-a-uuid']) {
      const res = await call(app, 'GET', `/v1/devices/${id}`, { token });
      expect(res.status).toBe(404);
    }
  });
});
