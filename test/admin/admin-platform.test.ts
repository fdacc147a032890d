// A platform that is not Apple, registered through the admin contract only (admin/platform.ts): its route is
// mounted and documented, and its devices' commands are built, permitted and redacted by it, not by Apple's table.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminPlatforms } from '../../admin/platforms.js';
import { createTestPlatform } from '../support/test-platform/index.js';
import { useTestDatabase } from '../support/test-context.js';
import { auditRows, call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';

interface Document {
  paths: Record<string, Record<string, { requestBody?: unknown }>>;
}

describe('an admin platform registered through the contract', () => {
  const database = useTestDatabase();
  const platform = createTestPlatform();
  let app: AdminApp;
  let operator: string;
  let helpdesk: string;
  let testDevice: string;

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db, platforms: adminPlatforms([platform.admin]) });
    operator = await tokenFor(db, 'operator');
    helpdesk = await tokenFor(db, 'helpdesk');
    testDevice = await insertDevice(db, { platform: 'test', name: 'tp-host' });
  });

  const send = (token: string, deviceId: string, body: unknown) =>
    call(app, 'POST', `/v1/devices/${deviceId}/commands`, { token, body });

  it('gets its route mounted behind its permission and documented, beside Apple’s', async () => {
    const res = await call(app, 'GET', '/v1/test-platform/agents', { token: helpdesk });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ agents: ['tp-agent'] });
    expect((await call(app, 'GET', '/v1/test-platform/agents')).status).toBe(401);
    const { paths } = (await (await call(app, 'GET', '/openapi.json')).json()) as Document;
    expect(paths['/v1/test-platform/agents']?.get).toBeDefined();
    expect(paths['/v1/enrollments/apple']?.post).toBeDefined();
    const sendBody = JSON.stringify(paths['/v1/devices/{id}/commands']!.post!.requestBody);
    expect(sendBody).toContain('Wipe');
    expect(sendBody).toContain('plist');
  });

  it("builds a command for its device with its own builder, audits it, then hands it to the device's workflow", async () => {
    const res = await send(operator, testDevice, { action: 'Ping', note: 'hello' });
    // No device workflow runs for this device: the answer comes after the command was built and audited.
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toContain('no running device workflow');
    const built = platform.seen.admin.built.at(-1)!;
    expect(built).toMatchObject({ requestType: 'Ping', raw: false });
    expect(JSON.parse(built.payload)).toEqual({ action: 'Ping', note: 'hello' });
    const [audit] = (await auditRows(database.core.db, 'device.command.send')).slice(-1);
    expect(audit).toMatchObject({ target_id: testDevice });
    expect(audit!.details).toEqual({ commandUuid: built.commandUuid, requestType: 'Ping', raw: false });
  });

  it("refuses an Apple body for its device with its own 400: Apple's table is not asked", async () => {
    const before = await auditRows(database.core.db);
    const res = await send(operator, testDevice, { requestType: 'DeviceLock' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^action:/);
    expect(await auditRows(database.core.db)).toEqual(before);
  });

  it('decides with its own rule what a help desk may send', async () => {
    const before = await auditRows(database.core.db);
    const wipe = await send(helpdesk, testDevice, { action: 'Wipe' });
    expect(wipe.status).toBe(403);
    expect(((await wipe.json()) as { error: string }).error).toContain('commands:send-any');
    expect(await auditRows(database.core.db)).toEqual(before);
    expect((await send(helpdesk, testDevice, { action: 'Ping' })).status).toBe(409);
  });

  it('hides the secrets of its results by its own declaration', async () => {
    const commandUuid = randomUUID();
    await database.core.db
      .insertInto('device_commands')
      .values({
        command_uuid: commandUuid,
        device_id: testDevice,
        request_type: 'Wipe',
        status: 'acknowledged',
        requested_by: 'test',
        result: JSON.stringify({ wipeCode: '4242', done: true }),
      })
      .execute();
    const res = await call(app, 'GET', `/v1/devices/${testDevice}/commands/${commandUuid}`, {
      token: operator,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      result: { wipeCode: '<hidden>', done: true },
      redactedSecrets: { keys: ['wipeCode'], permission: 'command-results:read-secrets' },
    });
  });

  it('answers 409 naming the platform of a device no registered platform serves, and sends nothing', async () => {
    const appleOnly = testAdminApp({ db: database.core.db });
    const before = await auditRows(database.core.db);
    const res = await call(appleOnly, 'POST', `/v1/devices/${testDevice}/commands`, {
      token: operator,
      body: { action: 'Ping' },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toContain('"test"');
    expect(await auditRows(database.core.db)).toEqual(before);
    expect((await call(appleOnly, 'GET', '/v1/test-platform/agents', { token: operator })).status).toBe(404);
  });
});
