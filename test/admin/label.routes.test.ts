import { beforeAll, describe, expect, it } from 'vitest';
import {
  auditRows,
  BOOTSTRAP_TOKEN,
  call,
  insertDevice,
  testAdminApp,
  tokenFor,
  type AdminApp,
} from './support.js';
import { useTestDatabase } from '../support/test-context.js';

describe('device labels', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let deviceA: string;
  let deviceB: string;
  /** An operator of team A only. */
  let operatorA: string;
  let helpdesk: string;

  const as = (token: string, method: string, path: string, body?: unknown) =>
    call(app, method, path, { token, ...(body === undefined ? {} : { body }) });
  const admin = (method: string, path: string, body?: unknown) => as(BOOTSTRAP_TOKEN, method, path, body);
  const labels = async (token: string) =>
    ((await (await as(token, 'GET', '/v1/labels')).json()) as { items: unknown[] }).items;

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db, temporalTimeoutMs: 1500 });
    const teamA = ((await (await admin('POST', '/v1/teams', { name: 'A' })).json()) as { id: string }).id;
    deviceA = await insertDevice(db);
    deviceB = await insertDevice(db);
    expect((await admin('PUT', `/v1/teams/${teamA}/devices/${deviceA}`)).status).toBe(204);
    operatorA = await tokenFor(db, 'operator', { teamId: teamA });
    helpdesk = await tokenFor(db, 'helpdesk');
  });

  it('puts a label on a device once however often it is sent, audited, and lists it with its count', async () => {
    expect((await admin('PUT', `/v1/devices/${deviceA}/labels/canary`)).status).toBe(204);
    expect((await admin('PUT', `/v1/devices/${deviceA}/labels/canary`)).status).toBe(204);
    expect((await admin('PUT', `/v1/devices/${deviceB}/labels/canary`)).status).toBe(204);
    expect(await labels(BOOTSTRAP_TOKEN)).toEqual([{ label: 'canary', devices: 2 }]);
    const audited = await auditRows(database.core.db, 'device.label.add');
    expect(audited.map((row) => row.target_id).sort()).toEqual([deviceA, deviceA, deviceB].sort());
  });

  it('keeps a team-scoped caller to its own devices, and refuses roles that may not change policies', async () => {
    expect((await as(operatorA, 'PUT', `/v1/devices/${deviceB}/labels/kiosk`)).status).toBe(404);
    expect((await as(operatorA, 'PUT', `/v1/devices/${deviceA}/labels/kiosk`)).status).toBe(204);
    expect((await as(helpdesk, 'PUT', `/v1/devices/${deviceA}/labels/kiosk`)).status).toBe(403);
    // Counted over the caller's devices only: deviceB's canary is not theirs to see.
    expect(await labels(operatorA)).toEqual([
      { label: 'canary', devices: 1 },
      { label: 'kiosk', devices: 1 },
    ]);
  });

  it('names the label when it is malformed, and answers 404 for one the device does not carry', async () => {
    const bad = await admin('PUT', `/v1/devices/${deviceA}/labels/${encodeURIComponent('no spaces')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^label: /);
    const absent = await admin('DELETE', `/v1/devices/${deviceB}/labels/kiosk`);
    expect(absent.status).toBe(404);
    expect((await admin('DELETE', `/v1/devices/${deviceA}/labels/kiosk`)).status).toBe(204);
    expect(await auditRows(database.core.db, 'device.label.remove')).toHaveLength(2);
  });

  it('targets a policy by label: a dry run selects the labelled devices only', async () => {
    const stored = await admin('POST', '/v1/policies', {
      schemaVersion: 1,
      name: 'canaries',
      settings: { passcode: { minLength: 8 } },
    });
    const { policyId } = (await stored.json()) as { policyId: string };
    const dryRun = await admin('POST', `/v1/policies/${policyId}/assignments?dryRun=true`, {
      label: 'canary',
    });
    expect(dryRun.status).toBe(200);
    const body = (await dryRun.json()) as { count: number; devices: Array<{ id: string }> };
    expect(body.devices.map((d) => d.id).sort()).toEqual([deviceA, deviceB].sort());
    const malformed = await admin('POST', `/v1/policies/${policyId}/assignments?dryRun=true`, {
      label: 'a b',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/^label: /);
  });
});
