import { beforeAll, describe, expect, it } from 'vitest';
import { auditRows, call, insertDevice, testAdminApp, tokenFor, type AdminApp } from '../support.js';
import { useTestDatabase } from '../../support/test-context.js';

const YAML_WITH_BAD_FIELD = `schemaVersion: 1
name: baseline
settings:
  passcode:
    minLength: 8
  firewall:
    enabled: yes please
`;

function policy(minLength: number) {
  return { schemaVersion: 1, name: 'baseline', settings: { passcode: { minLength } } };
}

describe('policies, versions and assignments in the admin API', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let admin: string;
  let helpdesk: string;
  let policyId: string;
  let team: string;
  const devices: Record<'mac' | 'oldMac' | 'iphone', string> = { mac: '', oldMac: '', iphone: '' };

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db });
    admin = await tokenFor(db, 'admin');
    helpdesk = await tokenFor(db, 'helpdesk');
    for (const [key, productName, osVersion] of [
      ['mac', 'Mac14,2', '15.1'],
      ['oldMac', 'MacBookPro18,3', '13.6'],
      ['iphone', 'iPhone15,2', '17.5.1'],
    ] as const) {
      devices[key] = await insertDevice(db, { facts: { deviceInformation: { ProductName: productName } } });
      await db.updateTable('devices').set({ os_version: osVersion }).where('id', '=', devices[key]).execute();
    }
    team = (
      (await (await call(app, 'POST', '/v1/teams', { token: admin, body: { name: 'Macs' } })).json()) as {
        id: string;
      }
    ).id;
    for (const d of [devices.mac, devices.oldMac])
      expect((await call(app, 'PUT', `/v1/teams/${team}/devices/${d}`, { token: admin })).status).toBe(204);
  });

  const post = (path: string, body: string, contentType: string, token = admin) =>
    app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });

  it('refuses an invalid YAML document naming the field and its line, and stores nothing', async () => {
    const res = await post('/v1/policies', YAML_WITH_BAD_FIELD, 'application/yaml');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; problems: { path: string; line?: number }[] };
    expect(body.error).toMatch(/^settings\.firewall\.enabled \(line 7\): /);
    expect(body.problems).toEqual([expect.objectContaining({ path: 'settings.firewall.enabled', line: 7 })]);
    expect(await database.core.db.selectFrom('policies').selectAll().execute()).toEqual([]);
    expect(await auditRows(database.core.db, 'policy.version.create')).toEqual([]);
  });

  it('validates without storing, listing every problem of a JSON document by field', async () => {
    const bad = {
      schemaVersion: 1,
      name: 'Bad Name',
      settings: { passcode: { minLength: 0 }, colour: 'red' },
    };
    const res = await post('/v1/policies/validate', JSON.stringify(bad), 'application/json');
    expect(res.status).toBe(400);
    const { problems } = (await res.json()) as { problems: { path: string }[] };
    expect(problems.map((p) => p.path).sort()).toEqual([
      'name',
      'settings.colour',
      'settings.passcode.minLength',
    ]);
    const good = await post('/v1/policies/validate', JSON.stringify(policy(8)), 'application/json');
    expect(await good.json()).toEqual({ valid: true, name: 'baseline' });
    expect(await database.core.db.selectFrom('policies').selectAll().execute()).toEqual([]);
  });

  it('stores a new version on each change, none for the same content, and keeps every version', async () => {
    const v1 = await post('/v1/policies', JSON.stringify(policy(8)), 'application/json');
    expect(v1.status).toBe(201);
    const first = (await v1.json()) as { policyId: string; version: number; created: boolean };
    expect(first).toMatchObject({ version: 1, created: true });
    policyId = first.policyId;
    const same = await post(
      '/v1/policies',
      'schemaVersion: 1\nname: baseline\nsettings: {passcode: {minLength: 8}}',
      'application/yaml',
    );
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ version: 1, created: false });
    const v2 = await post('/v1/policies', JSON.stringify(policy(12)), 'application/json');
    expect(await v2.json()).toMatchObject({ version: 2, created: true });

    const latest = (await (
      await call(app, 'GET', `/v1/policies/${policyId}`, { token: helpdesk })
    ).json()) as {
      version: number;
      document: { settings: unknown };
    };
    expect(latest).toMatchObject({ version: 2, document: { settings: { passcode: { minLength: 12 } } } });
    const old = await call(app, 'GET', `/v1/policies/${policyId}/versions/1`, { token: helpdesk });
    expect(await old.json()).toMatchObject({
      version: 1,
      document: { version: 1, settings: { passcode: { minLength: 8 } } },
    });
    expect((await call(app, 'GET', `/v1/policies/${policyId}/versions/3`, { token: helpdesk })).status).toBe(
      404,
    );
    const diff = await call(app, 'GET', `/v1/policies/${policyId}/diff?from=1&to=2`, { token: helpdesk });
    expect(await diff.json()).toEqual({
      from: 1,
      to: 2,
      changes: [{ path: 'settings.passcode.minLength', change: 'changed', before: 8, after: 12 }],
    });
    const list = (await (await call(app, 'GET', '/v1/policies', { token: helpdesk })).json()) as {
      items: { name: string; latestVersion: number }[];
    };
    expect(list.items).toEqual([expect.objectContaining({ name: 'baseline', latestVersion: 2 })]);
    expect(await auditRows(database.core.db, 'policy.version.create')).toHaveLength(3);
  });

  it('lets a help desk read policies but not store one', async () => {
    const res = await post('/v1/policies', JSON.stringify(policy(9)), 'application/json', helpdesk);
    expect(res.status).toBe(403);
  });

  it('resolves a target in a dry run (team, platform and OS range) and stores nothing', async () => {
    const dryRun = async (target: unknown) => {
      const res = await call(app, 'POST', `/v1/policies/${policyId}/assignments?dryRun=true`, {
        token: admin,
        body: target,
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { count: number; devices: { id: string }[] };
      return body.devices.map((d) => d.id).sort();
    };
    expect(await dryRun({ teamId: team })).toEqual([devices.mac, devices.oldMac].sort());
    expect(await dryRun({ teamId: team, minOsVersion: '14' })).toEqual([devices.mac]);
    expect(await dryRun({ platforms: ['iOS', 'iPadOS'] })).toEqual([devices.iphone]);
    expect(await dryRun({ platforms: ['macOS'], maxOsVersion: '13.6' })).toEqual([devices.oldMac]);
    expect(await database.core.db.selectFrom('policy_assignments').selectAll().execute()).toEqual([]);
    const targets = await call(app, 'GET', `/v1/policies/${policyId}/targets`, { token: helpdesk });
    expect(await targets.json()).toEqual({ count: 0, devices: [] });
  });

  it('refuses a target naming an unknown team or a bad field', async () => {
    const unknown = await call(app, 'POST', `/v1/policies/${policyId}/assignments?dryRun=true`, {
      token: admin,
      body: { teamId: '5b0c8a43-0a8e-4b8a-9c55-2f1f1d1b7e41' },
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toBe('teamId: no such team');
    const bad = await call(app, 'POST', `/v1/policies/${policyId}/assignments?dryRun=true`, {
      token: admin,
      body: { platforms: ['beos'] },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^platforms\.0: /);
  });

  it('shows no compliance for a device that holds no policy', async () => {
    const res = await call(app, 'GET', `/v1/devices/${devices.mac}/compliance`, { token: helpdesk });
    expect(await res.json()).toEqual({ items: [] });
    const summary = await call(app, 'GET', '/v1/compliance/summary', { token: helpdesk });
    expect(await summary.json()).toEqual({ items: [] });
  });
  it("shows an admin scoped to one team only that team's devices, per policy and in the summary", async () => {
    const db = database.core.db;
    await db
      .insertInto('device_policy_compliance')
      .values(
        [devices.mac, devices.iphone].map((device_id) => ({
          device_id,
          policy_id: policyId,
          version: 1,
          setting: 'passcode',
          status: 'failing' as const,
          reason: null,
          proven_at: new Date(),
        })),
      )
      .execute();
    const scoped = await tokenFor(db, 'helpdesk', { teamId: team });
    const perPolicy = await call(app, 'GET', `/v1/policies/${policyId}/compliance`, { token: scoped });
    expect(perPolicy.status).toBe(200);
    const items = ((await perPolicy.json()) as { items: Array<{ deviceId: string }> }).items;
    expect(items.map((i) => i.deviceId)).toEqual([devices.mac]);
    const summary = await call(app, 'GET', '/v1/compliance/summary', { token: scoped });
    expect(summary.status).toBe(200);
    const rows = ((await summary.json()) as { items: Array<{ setting: string; failing: number }> }).items;
    expect(rows).toEqual([expect.objectContaining({ setting: 'passcode', failing: 1 })]);
    // Unscoped, both devices count.
    const all = await call(app, 'GET', '/v1/compliance/summary', { token: helpdesk });
    expect(((await all.json()) as { items: Array<{ failing: number }> }).items[0]!.failing).toBe(2);
  });
});
