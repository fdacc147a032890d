import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../admin/paging.js';
import { call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

describe('every paged route refuses a forged cursor with a 400 naming it', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let token: string;
  let deviceId: string;

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
    token = await tokenFor(database.core.db, 'admin');
    deviceId = await insertDevice(database.core.db);
  });

  const expect400 = async (path: string, parts: string[]) => {
    const res = await call(app, 'GET', `${path}?cursor=${encodeCursor(parts)}`, { token });
    expect(res.status, JSON.stringify(parts)).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^cursor: /);
  };

  it('GET /v1/devices: an id that is not a UUID', async () => {
    for (const parts of [['not-a-uuid'], ['\u0000'], [], ['a', 'b']]) await expect400('/v1/devices', parts);
  });

  it('GET /v1/devices/{id}/commands: a timestamp Postgres cannot read, or a NUL in the command UUID', async () => {
    const path = `/v1/devices/${deviceId}/commands`;
    for (const parts of [
      ['1', 'cmd'],
      ['-271821-04-20T00:00:00Z', 'cmd'],
      ['2026-02-30 00:00:00+00', 'cmd'],
      ['2026-01-01 24:00:00+00', 'cmd'],
      ['0000-01-01 00:00:00+00', 'cmd'],
      ['2026-01-01 00:00:00+00', 'nul\u0000here'],
      ['2026-01-01 00:00:00+00', ''],
    ]) {
      await expect400(path, parts);
    }
    const fine = await call(
      app,
      'GET',
      `${path}?cursor=${encodeCursor(['2026-01-01 00:00:00.5+05:30', 'cmd'])}`,
      {
        token,
      },
    );
    expect(fine.status).toBe(200);
  });

  it('GET /v1/audit: an id beyond a Postgres bigint', async () => {
    for (const parts of [['9223372036854775808'], ['9999999999999999999'], ['-1'], ['1e3']]) {
      await expect400('/v1/audit', parts);
    }
    const fine = await call(app, 'GET', `/v1/audit?cursor=${encodeCursor(['9223372036854775807'])}`, {
      token,
    });
    expect(fine.status).toBe(200);
  });
});
