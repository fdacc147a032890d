// A platform that is not Apple, registered through the contracts only (edge/platform.ts, activities/platform.ts):
// its routes are mounted on the edge, its activities on the edge and core workers, and its events and
// commands go through the neutral device workflow into the inventory.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { deviceStateQuery } from '../../workflows/device.messages.js';
import { eventually } from '../support/apple-requests.js';
import { startTestPlanes, type TestPlanes } from '../support/planes.js';
import { createTestPlatform, TEST_PLATFORM_SECRET_HEADER } from '../support/test-platform/index.js';

describe('a platform registered through the contracts', () => {
  const platform = createTestPlatform();
  let planes: TestPlanes;
  beforeAll(async () => {
    planes = await startTestPlanes({ platforms: { edge: [platform.edge], core: [platform.core] } });
  }, 120_000);
  afterAll(() => planes?.close());

  const checkin = (body: unknown, secret = platform.secret) =>
    planes.edgeApp.request('/test-platform/checkin', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', [TEST_PLATFORM_SECRET_HEADER]: secret },
      body: JSON.stringify(body),
    });

  it('gets its routes mounted on the edge app, beside Apple’s', async () => {
    expect((await checkin({}, 'wrong')).status).toBe(401);
    expect((await planes.edgeApp.request('/mdm/checkin', { method: 'PUT' })).status).not.toBe(404);
  });

  it('gets its activities registered on the edge worker and the core worker, each on its own plane', () => {
    const edgeActivities = planes.edge.worker.worker.options.activities;
    const coreActivities = planes.coreWorker.worker.options.activities;
    expect(edgeActivities.has('testPlatformEdgePing')).toBe(true);
    expect(coreActivities.has('testPlatformCorePing')).toBe(true);
    expect(edgeActivities.has('testPlatformCorePing')).toBe(false);
    expect(coreActivities.has('testPlatformEdgePing')).toBe(false);
  });

  it('enrols a device through the neutral device workflow: inventory built in the core, queued at the edge, its result becomes facts', async () => {
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    const send = async (kind: string, data: unknown) =>
      expect((await checkin({ deviceId, enrollmentId, kind, data })).status).toBe(200);

    await send('authenticated', { hardwareId: 'TP-1', facts: { testCheckin: { agent: '1.0' } } });
    await send('channel-ready', { userChannel: false, awaitingConfiguration: false });

    const queued = await eventually(async () =>
      platform.seen.edge.queued.find((q) => q.enrollmentId === enrollmentId),
    );
    expect(queued.taskQueue).toBe(planes.edgeConfig.edge.taskQueue);
    expect(platform.seen.core.inventoryBuiltOn).toContain(planes.coreConfig.core.taskQueue);
    const [command] = queued.commands;
    expect(command).toMatchObject({ requestType: 'Inventory' });
    const handle = planes.temporal.workflow.getHandle(workflowIds.device(deviceId));
    expect(await handle.query(deviceStateQuery)).toMatchObject({ platform: 'test', enrolled: true });

    await send('command-report', {
      commandUuid: command!.commandUuid,
      outcome: 'acknowledged',
      result: { hostname: 'tp-host', os: 'TestOS 7' },
    });
    const device = await eventually(async () => {
      const row = await planes.database.core.db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', deviceId)
        .executeTakeFirst();
      return row?.name === 'tp-host' ? row : undefined;
    });
    expect(device).toMatchObject({
      platform: 'test',
      udid: 'TP-1',
      os_version: 'TestOS 7',
      enrollment_status: 'enrolled',
    });
    expect(device.facts).toMatchObject({
      testCheckin: { agent: '1.0' },
      testInventory: { hostname: 'tp-host', os: 'TestOS 7' },
    });
    const commandRow = await planes.database.core.db
      .selectFrom('device_commands')
      .selectAll()
      .where('command_uuid', '=', command!.commandUuid)
      .executeTakeFirstOrThrow();
    expect(commandRow).toMatchObject({
      request_type: 'Inventory',
      status: 'acknowledged',
      requested_by: 'keep',
    });
  });
});
