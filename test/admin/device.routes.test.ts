import { randomUUID } from 'node:crypto';
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

  it('filters by OS version and its updates, by compliance over all policies, and by owner', async () => {
    const db = database.core.db;
    const at = async (os_version: string, serial_number: string) => {
      const id = await insertDevice(db, { serial_number });
      await db.updateTable('devices').set({ os_version }).where('id', '=', id).execute();
      return id;
    };
    const [on17, on174, on170] = [
      await at('17.4.1', 'SERIAL-A'),
      await at('17.4', 'SERIAL-B'),
      await at('170.1', 'SERIAL-C'),
    ];
    const policy = await db
      .insertInto('policies')
      .values({ name: 'filters', latest_version: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const setting = (device_id: string, name: string, status: 'failing' | 'unknown' | 'compliant') => ({
      device_id,
      policy_id: policy.id,
      version: 1,
      setting: name,
      status,
      reason: null,
      proven_at: null,
    });
    await db
      .insertInto('device_policy_compliance')
      .values([
        setting(on17, 'firewall', 'failing'),
        setting(on17, 'passcode', 'unknown'),
        setting(on174, 'firewall', 'unknown'),
        setting(on170, 'firewall', 'compliant'),
      ])
      .execute();
    const serverId = randomUUID();
    await db
      .insertInto('dep_servers')
      .values({ id: serverId, certificate_pem: 'unused', sealed_key: 'unused' })
      .execute();
    await db
      .insertInto('dep_devices')
      .values({ serial_number: 'SERIAL-B', server_id: serverId, owner: 'Ada.Lovelace@example.com' })
      .execute();

    const ids = async (query: string) =>
      (await get<DevicePage>(`/v1/devices?${query}`)).items.map((d) => d.id);
    expect((await ids('osVersion=17')).sort()).toEqual([on17, on174].sort());
    expect(await ids('osVersion=17.4.1')).toEqual([on17]);
    expect(await ids('compliance=failing')).toEqual([on17]);
    expect(await ids('compliance=unknown')).toEqual([on174]);
    expect(await ids('compliance=compliant&osVersion=170')).toEqual([on170]);
    expect(await ids('owner=lovelace')).toEqual([on174]);
  });

  it('answers 400 naming a bad filter, limit or cursor', async () => {
    for (const [query, field] of [
      ['osVersion=latest', 'osVersion'],
      ['compliance=mostly', 'compliance'],
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
