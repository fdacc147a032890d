// The bulk ingest writes a relayed batch into the inventory of record once, however often the edge relays it,
// and owes a wake only for the events that need a device workflow's decision, until they are woken.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDeviceEventIngestActivities } from '../../../activities/device/device-event-ingest.activities.js';
import { corePlatforms } from '../../../activities/platforms.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import type { RelayedDeviceEvent } from '../../../core/device/device-event-batch.js';
import type { DeviceEvent } from '../../../core/device/device-event.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('device event ingest', () => {
  const database = useTestDatabase();
  const activities = () =>
    createDeviceEventIngestActivities({
      db: database.core.db,
      platforms: corePlatforms(),
      keyRing: KeyRing.parse(KeyRing.generateSpec()),
    });
  let nextId = 1;
  const relayed = (deviceId: string, event: Omit<DeviceEvent, 'platform' | 'at'>): RelayedDeviceEvent => ({
    outboxId: String(nextId++),
    deviceId,
    event: { platform: 'apple', at: new Date().toISOString(), ...event } as DeviceEvent,
  });

  it('writes an enrolment batch once when the edge relays it twice, and wakes only for the channel', async () => {
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    const batch = [
      relayed(deviceId, {
        kind: 'authenticated',
        enrollmentId,
        data: { hardwareId: 'INGEST-1', serialNumber: 'ING1', facts: { authenticate: { a: 1 } } },
      }),
      relayed(deviceId, {
        kind: 'channel-ready',
        enrollmentId,
        data: { userChannel: false, awaitingConfiguration: false },
      }),
      relayed(deviceId, {
        kind: 'facts-reported',
        enrollmentId,
        data: { facts: { declarativeStatus: { x: 1 } } },
      }),
    ];
    const first = await activities().ingestDeviceEvents({ edgeTaskQueue: 'edge-a', events: batch });
    expect(first.wakes.map((w) => w.event.kind)).toEqual(['channel-ready']);
    // Relayed again before the wake went out: written once, the wake still owed.
    const again = await activities().ingestDeviceEvents({ edgeTaskQueue: 'edge-a', events: batch });
    expect(again.wakes.map((w) => w.outboxId)).toEqual(first.wakes.map((w) => w.outboxId));

    const device = await database.core.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', deviceId)
      .executeTakeFirstOrThrow();
    expect(device).toMatchObject({
      enrollment_status: 'enrolled',
      udid: 'INGEST-1',
      serial_number: 'ING1',
      enrollment_id: enrollmentId,
    });
    expect(device.enrolled_at).not.toBeNull();
    expect(device.facts).toEqual({ authenticate: { a: 1 }, declarativeStatus: { x: 1 } });
    const stored = await database.core.db
      .selectFrom('device_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('device_id', '=', deviceId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(3);
  });

  it('records each command outcome once, keeps a final answer over a late NotNow, and adds result facts', async () => {
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    await activities().ingestDeviceEvents({
      edgeTaskQueue: 'edge-b',
      events: [
        relayed(deviceId, {
          kind: 'channel-ready',
          enrollmentId,
          data: { userChannel: false, awaitingConfiguration: false },
        }),
      ],
    });
    const commandUuid = randomUUID();
    await database.core.db
      .insertInto('device_commands')
      .values({
        command_uuid: commandUuid,
        device_id: deviceId,
        request_type: 'DeviceInformation',
        status: 'queued',
        // An admin's command: its answer decides nothing (Keep's own inventory answers wake the workflow).
        requested_by: 'admin@example.com',
        updated_at: new Date(),
      })
      .execute();
    const batch = [
      relayed(deviceId, { kind: 'command-report', enrollmentId, data: { commandUuid, outcome: 'not-now' } }),
      relayed(deviceId, {
        kind: 'command-report',
        enrollmentId,
        data: { commandUuid, outcome: 'acknowledged', result: { QueryResponses: { OSVersion: '15.3' } } },
      }),
      relayed(deviceId, { kind: 'command-report', enrollmentId, data: { commandUuid, outcome: 'not-now' } }),
    ];
    const { wakes } = await activities().ingestDeviceEvents({ edgeTaskQueue: 'edge-b', events: batch });
    expect(wakes).toEqual([]);
    await activities().ingestDeviceEvents({ edgeTaskQueue: 'edge-b', events: batch });
    const command = await database.core.db
      .selectFrom('device_commands')
      .selectAll()
      .where('command_uuid', '=', commandUuid)
      .executeTakeFirstOrThrow();
    expect(command.status).toBe('acknowledged');
    const device = await database.core.db
      .selectFrom('devices')
      .select('os_version')
      .where('id', '=', deviceId)
      .executeTakeFirstOrThrow();
    expect(device.os_version).toBe('15.3');
  });

  it("wakes for the answers a decision hangs on: Keep's inventory, a policy proof, a waiting zero-touch enrolment", async () => {
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    await activities().ingestDeviceEvents({
      edgeTaskQueue: 'edge-w',
      events: [
        relayed(deviceId, {
          kind: 'channel-ready',
          enrollmentId,
          data: { userChannel: false, awaitingConfiguration: false },
        }),
      ],
    });
    const command = (requestType: string, requestedBy: string) => ({
      command_uuid: randomUUID(),
      device_id: deviceId,
      request_type: requestType,
      status: 'queued' as const,
      requested_by: requestedBy,
      updated_at: new Date(),
    });
    const commands = [
      command('DeviceInformation', 'keep'),
      command('ProfileList', 'policy'),
      command('InstallProfile', 'policy'),
      command('DeviceLock', 'admin@example.com'),
    ];
    await database.core.db.insertInto('device_commands').values(commands).execute();
    const report = (uuid: string) =>
      relayed(deviceId, {
        kind: 'command-report',
        enrollmentId,
        data: { commandUuid: uuid, outcome: 'acknowledged' },
      });
    const first = await activities().ingestDeviceEvents({
      edgeTaskQueue: 'edge-w',
      events: commands.map((c) => report(c.command_uuid)),
    });
    const woken = (wakes: Array<{ event: DeviceEvent }>) =>
      wakes.map((w) => (w.event.data as { commandUuid: string }).commandUuid);
    expect(woken(first.wakes)).toEqual([commands[0]!.command_uuid, commands[1]!.command_uuid]);

    // While its zero-touch enrolment waits for the baseline, every answer of the device counts.
    const serverId = randomUUID();
    const depDeviceId = randomUUID();
    await database.core.db
      .insertInto('dep_servers')
      .values({ id: serverId, certificate_pem: 'unused', sealed_key: 'unused' })
      .execute();
    await database.core.db
      .insertInto('dep_devices')
      .values({ serial_number: `ZT${depDeviceId.slice(0, 8)}`, id: depDeviceId, server_id: serverId })
      .execute();
    await database.core.db
      .insertInto('zero_touch_enrollments')
      .values({
        enrollment_id: enrollmentId,
        dep_device_id: depDeviceId,
        device_id: deviceId,
        status: 'awaiting-configuration',
      })
      .execute();
    const later = command('DeviceLock', 'admin@example.com');
    await database.core.db.insertInto('device_commands').values(later).execute();
    const second = await activities().ingestDeviceEvents({
      edgeTaskQueue: 'edge-w',
      events: [report(later.command_uuid)],
    });
    expect(woken(second.wakes)).toEqual([later.command_uuid]);
  });

  it('dedupes per edge: the same outbox id from another edge is another event', async () => {
    const deviceId = randomUUID();
    const event = relayed(deviceId, {
      kind: 'checked-out',
      enrollmentId: randomUUID(),
      data: {},
    });
    const a = await activities().ingestDeviceEvents({ edgeTaskQueue: 'edge-c', events: [event] });
    const b = await activities().ingestDeviceEvents({ edgeTaskQueue: 'edge-d', events: [event] });
    expect(a.wakes).toHaveLength(1);
    expect(b.wakes).toHaveLength(1);
  });

  it('forgets keys older than a week as new batches arrive, but never a wake still owed', async () => {
    const old = { edge_queue: 'edge-old', device_id: randomUUID(), kind: 'facts-reported', at: new Date() };
    await database.core.db
      .insertInto('device_events')
      .values([
        { ...old, outbox_id: 1, wake_pending: false, received_at: new Date(Date.now() - 8 * 86_400_000) },
        { ...old, outbox_id: 2, wake_pending: true, received_at: new Date(Date.now() - 8 * 86_400_000) },
        { ...old, outbox_id: 3, wake_pending: false, received_at: new Date(Date.now() - 86_400_000) },
      ])
      .execute();
    await activities().ingestDeviceEvents({
      edgeTaskQueue: 'edge-e',
      events: [
        relayed(randomUUID(), { kind: 'facts-reported', enrollmentId: randomUUID(), data: { facts: {} } }),
      ],
    });
    const kept = await database.core.db
      .selectFrom('device_events')
      .select('outbox_id')
      .where('edge_queue', '=', 'edge-old')
      .orderBy('outbox_id')
      .execute();
    expect(kept.map((r) => Number(r.outbox_id))).toEqual([2, 3]);
  });
});
