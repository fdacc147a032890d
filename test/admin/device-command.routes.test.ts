import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeSealingRecipient } from '../../admin/edge-sealing-key.js';
import { parsePlistDict } from '../../core/apple/plist-codec.js';
import { edgeSealingKey } from '../../core/crypto/edge-sealing-key.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { openCommandPayload } from '../../core/device/sealed-command-payload.js';
import { keepDataConverter } from '../../core/temporal/payload-codec.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { testStack } from '../support/stack.js';
import { receivedCommandsQuery, releaseSignal } from './fixtures/fake-device.workflow.js';
import { auditRows, call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestPlanes } from '../support/test-context.js';

describe('sending commands to a device', () => {
  const planes = useTestPlanes();
  let worker: Worker;
  let workerDone: Promise<void>;
  let app: AdminApp;
  let operator: string;
  let deviceId: string;
  const taskQueue = `admin-fake-device-${Date.now()}`;

  beforeAll(async () => {
    const stack = testStack();
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: stack.temporalAddress }),
      namespace: stack.temporalNamespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/fake-device.workflow.ts', import.meta.url)),
      dataConverter: keepDataConverter(stack.payloadKeys),
    });
    workerDone = worker.run();
    const db = planes.database.core.db;
    const queues = {
      coreTaskQueue: planes.coreConfig.core.taskQueue,
      edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
    };
    app = testAdminApp({ db, temporal: planes.temporal, temporalTimeoutMs: 1500, ...queues });
    // The edge's sealing key is asked once per process; asked here, the 1.5 s bound applies to the Update alone.
    await edgeSealingRecipient({ temporal: planes.temporal, timeoutMs: 60_000, ...queues });
    operator = await tokenFor(db, 'operator');
    deviceId = await insertDevice(db);
    await planes.temporal.workflow.start('fakeDeviceWorkflow', {
      workflowId: workflowIds.device(deviceId),
      taskQueue,
      args: [{}],
    });
  });
  afterAll(async () => {
    worker?.shutdown();
    await workerDone;
  });

  const send = (id: string, body: unknown) =>
    call(app, 'POST', `/v1/devices/${id}/commands`, { token: operator, body });

  it('answers 404 for an unknown device and writes no audit row', async () => {
    const before = await auditRows(planes.database.core.db);
    const res = await send('5b0c8a43-0a8e-4b8a-9c55-2f1f1d1b7e41', { requestType: 'DeviceLock' });
    expect(res.status).toBe(404);
    expect(await auditRows(planes.database.core.db)).toEqual(before);
  });

  it('answers 400 naming a bad parameter, and an unknown one', async () => {
    const pin = await send(deviceId, { requestType: 'DeviceLock', parameters: { pin: '12' } });
    expect(pin.status).toBe(400);
    expect(((await pin.json()) as { error: string }).error).toMatch(/^parameters\.pin:/);
    const extra = await send(deviceId, { requestType: 'DeviceLock', parameters: { pincode: '123456' } });
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { error: string }).error).toContain('pincode');
    const type = await send(deviceId, { requestType: 'SelfDestruct' });
    expect(type.status).toBe(400);
    expect(((await type.json()) as { error: string }).error).toMatch(/^requestType:/);
    const raw = await send(deviceId, { plist: '<plist version="1.0"><array/></plist>' });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: string }).error).toMatch(/^plist:/);
  });

  it('refuses a string a plist cannot carry before auditing, naming the field, and sends nothing', async () => {
    const db = planes.database.core.db;
    const handle = planes.temporal.workflow.getHandle(workflowIds.device(deviceId));
    const auditBefore = await auditRows(db);
    const sentBefore = (await handle.query(receivedCommandsQuery)).length;
    for (const [body, field] of [
      [{ requestType: 'DeviceLock', parameters: { message: 'Call\u0000IT' } }, 'parameters.message'],
      [{ requestType: 'DeviceLock', parameters: { phoneNumber: '555\u001b' } }, 'parameters.phoneNumber'],
      [
        { requestType: 'RemoveProfile', parameters: { identifier: 'com.example\uD800' } },
        'parameters.identifier',
      ],
      [
        { requestType: 'DeviceInformation', parameters: { queries: ['OSVersion', '\u0007'] } },
        'parameters.queries.1',
      ],
      [
        {
          plist:
            '<plist version="1.0"><dict><key>RequestType</key><string>Settings</string><key>Name</key><string>a&#0;b</string></dict></plist>',
        },
        'plist',
      ],
    ] as const) {
      const res = await send(deviceId, body);
      expect(res.status, field).toBe(400);
      const { error } = (await res.json()) as { error: string };
      expect(error, field).toMatch(new RegExp(`^${field.replace('.', '\\.')}: .*plist cannot carry`));
    }
    expect(await auditRows(db)).toEqual(auditBefore);
    expect(await handle.query(receivedCommandsQuery)).toHaveLength(sentBefore);
  });

  it('audits, then queues the command through the device workflow sealed to the edge, and answers 202 with its UUID', async () => {
    const res = await send(deviceId, {
      requestType: 'DeviceLock',
      parameters: { pin: '123456', message: 'Call IT' },
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { commandUuid: string; status: string };
    expect(body.status).toBe('queued');

    const [audit] = await auditRows(planes.database.core.db, 'device.command.send');
    expect(audit).toMatchObject({ target_kind: 'device', target_id: deviceId });
    expect(audit!.details).toMatchObject({ commandUuid: body.commandUuid, requestType: 'DeviceLock' });
    // Command parameters (here a PIN) never reach the audit log.
    expect(JSON.stringify(audit)).not.toContain('123456');

    const handle = planes.temporal.workflow.getHandle(workflowIds.device(deviceId));
    const received = await handle.query(receivedCommandsQuery);
    const sent = received.find((r) => r.commandUuid === body.commandUuid)!;
    expect(sent.requestType).toBe('DeviceLock');
    expect(sent.requestedBy).toMatch(/^token:/);
    // A PIN enters Temporal sealed: only the edge's key ring opens it, and only for this command.
    expect(sent.payload).not.toContain('123456');
    const edge = edgeSealingKey(KeyRing.parse(planes.edgeConfig.edge.secretKeys));
    expect(() => openCommandPayload(edge, sent.payload, 'another-command')).toThrow(/authentication/);
    const plist = parsePlistDict(openCommandPayload(edge, sent.payload, body.commandUuid));
    expect(plist.CommandUUID).toBe(body.commandUuid);
    expect(plist.Command).toEqual({ RequestType: 'DeviceLock', PIN: '123456', Message: 'Call IT' });
  });

  it('sends a raw command plist as written', async () => {
    const plist = `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>Command</key><dict>
      <key>RequestType</key><string>Settings</string><key>Settings</key><array/></dict></dict></plist>`;
    const res = await send(deviceId, { plist });
    expect(res.status).toBe(202);
    const { commandUuid } = (await res.json()) as { commandUuid: string };
    const received = await planes.temporal.workflow
      .getHandle(workflowIds.device(deviceId))
      .query(receivedCommandsQuery);
    expect(received.find((r) => r.commandUuid === commandUuid)?.requestType).toBe('Settings');
  });

  it('answers 503 with the command UUID when the device workflow does not answer in time', async () => {
    const stuck = await insertDevice(planes.database.core.db);
    await planes.temporal.workflow.start('fakeDeviceWorkflow', {
      workflowId: workflowIds.device(stuck),
      taskQueue,
      args: [{ hang: true }],
    });
    const res = await send(stuck, { requestType: 'SecurityInfo' });
    expect(res.status).toBe(503);
    const [audit] = (await auditRows(planes.database.core.db, 'device.command.send')).filter(
      (r) => r.target_id === stuck,
    );
    const { error } = (await res.json()) as { error: string };
    expect(error).toContain(String(audit!.details.commandUuid));
  });

  it('answers 409 when the device has no running workflow', async () => {
    const orphan = await insertDevice(planes.database.core.db);
    const res = await send(orphan, { requestType: 'SecurityInfo' });
    expect(res.status).toBe(409);
  });

  it('refuses a device-wide command to a User Enrollment with a 409 saying why, before auditing or queueing', async () => {
    const db = planes.database.core.db;
    const byod = await insertDevice(db, {
      facts: { authenticate: { udid: 'E-BYOD-1', userEnrollment: true } },
    });
    const before = await auditRows(db);
    for (const body of [
      { requestType: 'EraseDevice' },
      {
        plist: `<plist version="1.0"><dict><key>RequestType</key><string>RestartDevice</string></dict></plist>`,
      },
    ]) {
      const res = await send(byod, body);
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /^requestType: \w+ acts on the whole device, which a User Enrollment/,
      );
    }
    expect(await auditRows(db)).toEqual(before);
    expect(
      await db.selectFrom('device_commands').where('device_id', '=', byod).selectAll().execute(),
    ).toEqual([]);
  });

  it("passes on the real device workflow's refusal of a device that has not enrolled yet", async () => {
    const pending = await insertDevice(planes.database.core.db, { enrollment_status: 'authenticated' });
    await planes.temporal.workflow.start('deviceWorkflow', {
      workflowId: workflowIds.device(pending),
      taskQueue: planes.coreConfig.core.taskQueue,
      args: [{ deviceId: pending, edgeTaskQueue: planes.edgeConfig.edge.taskQueue }],
    });
    const res = await send(pending, {
      requestType: 'DeviceInformation',
      parameters: { queries: ['OSVersion'] },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toContain('not enrolled');
  });

  it('lists the device commands newest first, page by page, and shows one with its result', async () => {
    const db = planes.database.core.db;
    const device = await insertDevice(db);
    for (const [i, status] of (['acknowledged', 'error', 'queued'] as const).entries()) {
      await db
        .insertInto('device_commands')
        .values({
          command_uuid: `cmd-${i}-${device}`,
          device_id: device,
          request_type: 'DeviceInformation',
          status,
          requested_by: 'token:x',
          result:
            status === 'acknowledged' ? JSON.stringify({ QueryResponses: { OSVersion: '15.1' } }) : null,
          error_chain: status === 'error' ? JSON.stringify([{ ErrorCode: 12021 }]) : null,
          created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        })
        .execute();
    }
    const first = await call(app, 'GET', `/v1/devices/${device}/commands?limit=2`, { token: operator });
    const page1 = (await first.json()) as { items: { commandUuid: string }[]; nextCursor: string };
    expect(page1.items.map((c) => c.commandUuid)).toEqual([`cmd-2-${device}`, `cmd-1-${device}`]);
    const second = await call(
      app,
      'GET',
      `/v1/devices/${device}/commands?limit=2&cursor=${page1.nextCursor}`,
      { token: operator },
    );
    const page2 = (await second.json()) as { items: { commandUuid: string }[]; nextCursor: string | null };
    expect(page2.items.map((c) => c.commandUuid)).toEqual([`cmd-0-${device}`]);
    expect(page2.nextCursor).toBeNull();

    const one = await call(app, 'GET', `/v1/devices/${device}/commands/cmd-0-${device}`, { token: operator });
    expect(await one.json()).toMatchObject({
      status: 'acknowledged',
      result: { QueryResponses: { OSVersion: '15.1' } },
    });
    const missing = await call(app, 'GET', `/v1/devices/${device}/commands/nope`, { token: operator });
    expect(missing.status).toBe(404);
    const detail = await call(app, 'GET', `/v1/devices/${device}`, { token: operator });
    expect(((await detail.json()) as { pendingCommands: number }).pendingCommands).toBe(1);
  });
});

describe('retrying a command send with an Idempotency-Key', () => {
  const planes = useTestPlanes();
  let worker: Worker;
  let workerDone: Promise<void>;
  let app: AdminApp;
  let operator: string;
  const taskQueue = `admin-fake-device-retry-${Date.now()}`;

  beforeAll(async () => {
    const stack = testStack();
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: stack.temporalAddress }),
      namespace: stack.temporalNamespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/fake-device.workflow.ts', import.meta.url)),
      dataConverter: keepDataConverter(stack.payloadKeys),
    });
    workerDone = worker.run();
    const db = planes.database.core.db;
    const queues = {
      coreTaskQueue: planes.coreConfig.core.taskQueue,
      edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
    };
    app = testAdminApp({ db, temporal: planes.temporal, temporalTimeoutMs: 1500, ...queues });
    await edgeSealingRecipient({ temporal: planes.temporal, timeoutMs: 60_000, ...queues });
    operator = await tokenFor(db, 'operator');
  });
  afterAll(async () => {
    worker?.shutdown();
    await workerDone;
  });

  /** A device whose workflow holds every command until released: a send times out into a 503. */
  async function stuckDevice() {
    const id = await insertDevice(planes.database.core.db);
    const handle = await planes.temporal.workflow.start('fakeDeviceWorkflow', {
      workflowId: workflowIds.device(id),
      taskQueue,
      args: [{ hang: true }],
    });
    return { id, handle };
  }
  const send = (id: string, key: string, body: unknown) =>
    call(app, 'POST', `/v1/devices/${id}/commands`, {
      token: operator,
      body,
      headers: { 'idempotency-key': key },
    });
  const outcomes = async (id: string) =>
    (await auditRows(planes.database.core.db, 'device.command.outcome'))
      .filter((row) => row.target_id === id)
      .map((row) => row.details.outcome);

  it('queues a command once however often a 503 is retried, answering with the same UUID', async () => {
    const { id, handle } = await stuckDevice();
    const lock = { requestType: 'DeviceLock', parameters: { pin: '123456' } };
    const first = await send(id, 'retry-1', lock);
    expect(first.status).toBe(503);
    expect(await outcomes(id)).toEqual(['unconfirmed']);
    await handle.signal(releaseSignal);
    const second = await send(id, 'retry-1', lock);
    expect(second.status).toBe(202);
    const { commandUuid } = (await second.json()) as { commandUuid: string };
    expect((await first.json()) as { error: string }).toMatchObject({
      error: expect.stringContaining(commandUuid),
    });
    const third = await send(id, 'retry-1', lock);
    expect(third.status).toBe(200);
    expect(await third.json()).toMatchObject({ commandUuid, status: 'queued' });
    const received = await handle.query(receivedCommandsQuery);
    expect(received.map((r) => r.commandUuid)).toEqual([commandUuid]);
    expect(await outcomes(id)).toEqual(['unconfirmed', 'queued']);
  });

  it('sends the Update again when the core records the command queued but the workflow lost the first Update', async () => {
    // The real device workflow records the command in the core (a local activity) before the edge queues it; a
    // Temporal server restart can then lose the Update. The core row alone does not prove the edge has it.
    const { id, handle } = await stuckDevice();
    const body = { requestType: 'SecurityInfo' };
    const first = await send(id, 'retry-lost', body);
    expect(first.status).toBe(503);
    const { command_uuid: commandUuid } = await planes.database.core.db
      .selectFrom('command_idempotency_keys')
      .select('command_uuid')
      .where('idempotency_key', '=', 'retry-lost')
      .executeTakeFirstOrThrow();
    await planes.database.core.db
      .insertInto('device_commands')
      .values({
        command_uuid: commandUuid,
        device_id: id,
        request_type: 'SecurityInfo',
        status: 'queued',
        requested_by: 'operator',
        updated_at: new Date(),
      })
      .execute();
    // The Update is gone with the run that held it; the device's next run never heard of the command.
    await handle.terminate('the Update is lost');
    const next = await planes.temporal.workflow.start('fakeDeviceWorkflow', {
      workflowId: workflowIds.device(id),
      taskQueue,
      args: [{}],
    });
    const retry = await send(id, 'retry-lost', body);
    expect(retry.status).toBe(202);
    expect((await next.query(receivedCommandsQuery)).map((r) => r.commandUuid)).toEqual([commandUuid]);
  });

  it('answers from the core without sending again once the device has answered the command', async () => {
    const { id, handle } = await stuckDevice();
    const body = { requestType: 'SecurityInfo' };
    expect((await send(id, 'retry-answered', body)).status).toBe(503);
    const { command_uuid } = await planes.database.core.db
      .selectFrom('command_idempotency_keys')
      .select('command_uuid')
      .where('idempotency_key', '=', 'retry-answered')
      .executeTakeFirstOrThrow();
    await planes.database.core.db
      .insertInto('device_commands')
      .values({
        command_uuid,
        device_id: id,
        request_type: 'SecurityInfo',
        status: 'acknowledged',
        requested_by: 'operator',
        updated_at: new Date(),
      })
      .execute();
    await handle.terminate('the Update is lost');
    const next = await planes.temporal.workflow.start('fakeDeviceWorkflow', {
      workflowId: workflowIds.device(id),
      taskQueue,
      args: [{}],
    });
    const retry = await send(id, 'retry-answered', body);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ commandUuid: command_uuid, status: 'queued' });
    expect(await next.query(receivedCommandsQuery)).toEqual([]);
  });

  it('answers 409 naming the header when the key comes again with another body or for another device', async () => {
    const { id, handle } = await stuckDevice();
    await handle.signal(releaseSignal);
    expect((await send(id, 'retry-2', { requestType: 'SecurityInfo' })).status).toBe(202);
    const otherBody = await send(id, 'retry-2', { requestType: 'DeviceLock' });
    expect(otherBody.status).toBe(409);
    expect(((await otherBody.json()) as { error: string }).error).toMatch(/^Idempotency-Key: /);
    const other = await stuckDevice();
    expect((await send(other.id, 'retry-2', { requestType: 'SecurityInfo' })).status).toBe(409);
    expect(await handle.query(receivedCommandsQuery)).toHaveLength(1);
  });

  it('answers 400 naming the header for a key with spaces or control characters', async () => {
    const { id } = await stuckDevice();
    const res = await send(id, 'two words', { requestType: 'SecurityInfo' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^Idempotency-Key: /);
  });
});
