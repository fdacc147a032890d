// An edge's device events enter the core through one workflow per edge: a batch is durable in the core DB when
// its Update returns, only events that need a decision wake a device workflow, and the workflow continues as
// new without losing a wake it owes, nor does a run that ends before handing its wakes over.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createDeviceEventIngestActivities } from '../../activities/device/device-event-ingest.activities.js';
import { corePlatforms } from '../../activities/platforms.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import type { RelayedDeviceEvent } from '../../core/device/device-event-batch.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import {
  ingestDeviceEventsUpdate,
  type DeviceEventsWorkflowInput,
} from '../../workflows/device-events.messages.js';
import { deviceStateQuery } from '../../workflows/device.messages.js';
import { eventually } from '../support/apple-requests.js';
import { recordableHistory } from '../support/histories.js';
import { testStack } from '../support/stack.js';
import { useTestPlanes } from '../support/test-context.js';

describe('deviceEventsWorkflow', () => {
  const planes = useTestPlanes({ relay: false });
  let nextId = 1;
  const edgeQueue = () => `events-test-${randomUUID()}`;
  const ingest = (edgeTaskQueue: string, events: RelayedDeviceEvent[], maxHistoryEvents?: number) => {
    const input: DeviceEventsWorkflowInput = {
      edgeTaskQueue,
      ...(maxHistoryEvents === undefined ? {} : { maxHistoryEvents }),
    };
    return planes.temporal.workflow.executeUpdateWithStart(ingestDeviceEventsUpdate, {
      args: [events],
      startWorkflowOperation: new WithStartWorkflowOperation('deviceEventsWorkflow', {
        workflowId: workflowIds.deviceEvents(edgeTaskQueue),
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  };
  const at = () => new Date().toISOString();
  const relayed = (deviceId: string, event: RelayedDeviceEvent['event']): RelayedDeviceEvent => ({
    outboxId: String(nextId++),
    deviceId,
    event,
  });
  const deviceRow = (deviceId: string) =>
    planes.database.core.db.selectFrom('devices').selectAll().where('id', '=', deviceId).executeTakeFirst();
  const deviceWorkflowExists = (deviceId: string) =>
    planes.temporal.workflow
      .getHandle(workflowIds.device(deviceId))
      .describe()
      .then(
        () => true,
        () => false,
      );

  it('has the batch in the core DB when the Update returns, and wakes a device workflow only for a decision', async () => {
    const enrolling = randomUUID();
    const reporting = randomUUID();
    const enrollmentId = randomUUID();
    const queue = edgeQueue();
    // The Apple-only shape that edges wrote before events were neutral is still ingested.
    const result = await ingest(queue, [
      relayed(enrolling, {
        kind: 'authenticated',
        enrollmentId,
        at: at(),
        udid: 'EVENTS-1',
        serialNumber: 'EV1',
      }),
      relayed(reporting, { kind: 'authenticated', enrollmentId: randomUUID(), at: at(), udid: 'EVENTS-2' }),
      relayed(enrolling, {
        kind: 'token-updated',
        enrollmentId,
        at: at(),
        user: false,
        awaitingConfiguration: false,
      }),
      relayed(reporting, {
        kind: 'declarative-status',
        enrollmentId: randomUUID(),
        at: at(),
        report: { ok: 1 },
      }),
    ]);
    expect(result).toEqual({ wakes: 1 });
    expect(await deviceRow(enrolling)).toMatchObject({
      enrollment_status: 'enrolled',
      udid: 'EVENTS-1',
      serial_number: 'EV1',
    });
    expect((await deviceRow(reporting))?.facts).toMatchObject({ declarativeStatus: { ok: 1 } });

    const state = await eventually(async () => {
      if (!(await deviceWorkflowExists(enrolling))) return undefined;
      const s = await planes.temporal.workflow
        .getHandle(workflowIds.device(enrolling))
        .query(deviceStateQuery);
      return s.enrolled ? s : undefined;
    });
    expect(state).toMatchObject({ enrollmentId, inventoryRequested: true, platform: 'apple' });
    const woken = await eventually(async () => {
      const rows = await planes.database.core.db
        .selectFrom('device_events')
        .select('wake_pending')
        .where('edge_queue', '=', queue)
        .where('kind', '=', 'channel-ready')
        .execute();
      return rows.every((r) => !r.wake_pending) ? rows : undefined;
    });
    expect(woken).toHaveLength(1);
    // Authenticate and a status report decide nothing: no workflow for that device.
    expect(await deviceWorkflowExists(reporting)).toBe(false);

    // KEEP_RECORD_HISTORIES=1 refreshes the fixture that test/workflows/replay.test.ts replays on every run; the
    // recording from before the ingest became an activity (-local-ingest) stays, and replays.
    if (process.env.KEEP_RECORD_HISTORIES) {
      const history = await planes.temporal.workflow
        .getHandle(workflowIds.deviceEvents(queue))
        .fetchHistory();
      const file = new URL(`../fixtures/histories/device-events-workflow.history.pb`, import.meta.url);
      writeFileSync(file, await recordableHistory(history, testStack().payloadKeys));
    }
  });

  it('continues as new and keeps ingesting, every batch written once', async () => {
    const queue = edgeQueue();
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    const first = await ingest(
      queue,
      [relayed(deviceId, { kind: 'authenticated', enrollmentId, at: at(), udid: 'EVENTS-CAN' })],
      30,
    );
    expect(first).toEqual({ wakes: 0 });
    const handle = planes.temporal.workflow.getHandle(workflowIds.deviceEvents(queue));
    const firstRunId = (await handle.describe()).runId;
    for (let i = 0; i < 12; i++) {
      const batch = [
        relayed(deviceId, {
          kind: 'declarative-status',
          enrollmentId,
          at: at(),
          report: { i },
        }),
      ];
      await ingest(queue, batch, 30);
      // Relayed twice (the edge lost the answer): written once.
      await ingest(queue, batch, 30);
    }
    expect((await handle.describe()).runId).not.toBe(firstRunId);
    expect((await deviceRow(deviceId))?.facts).toMatchObject({ declarativeStatus: { i: 11 } });
    const count = await planes.database.core.db
      .selectFrom('device_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('edge_queue', '=', queue)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(13);
  });

  it('delivers in its next run the wakes a terminated run owed', async () => {
    const queue = edgeQueue();
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    await ingest(queue, [
      relayed(deviceId, { kind: 'authenticated', enrollmentId, at: at(), udid: 'EVENTS-END' }),
    ]);
    // The run wrote the device's channel-ready event and ended before waking its workflow.
    const written = await createDeviceEventIngestActivities({
      db: planes.database.core.db,
      platforms: corePlatforms(),
      keyRing: KeyRing.parse(KeyRing.generateSpec()),
    }).ingestDeviceEvents({
      edgeTaskQueue: queue,
      events: [
        relayed(deviceId, {
          kind: 'token-updated',
          enrollmentId,
          at: at(),
          user: false,
          awaitingConfiguration: false,
        }),
      ],
    });
    expect(written.wakes).toHaveLength(1);
    await planes.temporal.workflow
      .getHandle(workflowIds.deviceEvents(queue))
      .terminate('the run ends owing a wake');
    expect(await deviceWorkflowExists(deviceId)).toBe(false);

    // The edge's next batch starts a new run, which hands over what the last one owed.
    await ingest(queue, [
      relayed(deviceId, { kind: 'declarative-status', enrollmentId, at: at(), report: { after: 1 } }),
    ]);
    const state = await eventually(async () => {
      if (!(await deviceWorkflowExists(deviceId))) return undefined;
      const s = await planes.temporal.workflow
        .getHandle(workflowIds.device(deviceId))
        .query(deviceStateQuery);
      return s.enrolled ? s : undefined;
    });
    expect(state).toMatchObject({ enrollmentId, inventoryRequested: true });
    const owed = await eventually(async () => {
      const rows = await planes.database.core.db
        .selectFrom('device_events')
        .select(['wake_pending', 'wake_event'])
        .where('edge_queue', '=', queue)
        .where('kind', '=', 'channel-ready')
        .execute();
      return rows.every((r) => !r.wake_pending) ? rows : undefined;
    });
    // Once woken, the event is not kept beside its dedupe key.
    expect(owed).toEqual([{ wake_pending: false, wake_event: null }]);
  });
});
