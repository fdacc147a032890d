// The device workflow keeps its state across continue-as-new, and its recorded history replays deterministically.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { ReceivedDeviceEvent } from '../../core/device/received-device-event.js';
import { keepDataConverter } from '../../core/temporal/payload-codec.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import {
  deviceEventSignal,
  deviceStateQuery,
  type DeviceWorkflowInput,
} from '../../workflows/device.messages.js';
import { eventually } from '../support/apple-requests.js';
import { recordableHistory } from '../support/histories.js';
import { testStack } from '../support/stack.js';
import { useTestPlanes } from '../support/test-context.js';

describe('deviceWorkflow', () => {
  const planes = useTestPlanes({ relay: false });
  it('continues as new before its history grows large, carrying the enrollment, and its history replays', async () => {
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    const input: DeviceWorkflowInput = {
      deviceId,
      edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
      maxHistoryEvents: 40,
    };
    const signal = (event: ReceivedDeviceEvent) =>
      planes.temporal.workflow.signalWithStart('deviceWorkflow', {
        workflowId: workflowIds.device(deviceId),
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [input],
        signal: deviceEventSignal,
        signalArgs: [event],
      });
    const at = () => new Date().toISOString();
    const first = await signal({
      platform: 'apple',
      kind: 'authenticated',
      enrollmentId,
      at: at(),
      data: { hardwareId: 'CAN-TEST', serialNumber: 'CAN1', facts: {} },
    });
    const firstRunId = first.signaledRunId;
    for (let i = 0; i < 12; i++)
      await signal({
        platform: 'apple',
        kind: 'facts-reported',
        enrollmentId,
        at: at(),
        data: { facts: { declarativeStatus: { i } } },
      });

    const handle = planes.temporal.workflow.getHandle(workflowIds.device(deviceId));
    const description = await eventually(async () => {
      const d = await handle.describe();
      return d.runId !== firstRunId ? d : undefined;
    });
    expect(description.status.name).toBe('RUNNING');
    const state = await handle.query(deviceStateQuery);
    expect(state.enrollmentId).toBe(enrollmentId);
    const device = await planes.database.core.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', deviceId)
      .executeTakeFirstOrThrow();
    expect((device.facts as { declarativeStatus?: { i: number } }).declarativeStatus?.i).toBe(11);

    // The run that continued as new replays against today's bundle without a non-determinism error.
    const history = await planes.temporal.workflow
      .getHandle(workflowIds.device(deviceId), firstRunId)
      .fetchHistory();
    await Worker.runReplayHistory(
      {
        workflowBundle: { codePath: testStack().workflowBundle },
        dataConverter: keepDataConverter(testStack().payloadKeys),
      },
      history,
    );
    // KEEP_RECORD_HISTORIES=1 refreshes the fixture that test/workflows/replay.test.ts replays on every run.
    if (process.env.KEEP_RECORD_HISTORIES) {
      // device-workflow.history.pb is the recording from before events were neutral: it stays, and replays.
      const file = new URL(
        '../fixtures/histories/device-workflow-neutral-events.history.pb',
        import.meta.url,
      );
      writeFileSync(file, await recordableHistory(history, testStack().payloadKeys));
    }
  });

  it('accepts the Apple-only event shape that edges sent before events were neutral', async () => {
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    const input: DeviceWorkflowInput = { deviceId, edgeTaskQueue: planes.edgeConfig.edge.taskQueue };
    const signal = (event: ReceivedDeviceEvent) =>
      planes.temporal.workflow.signalWithStart('deviceWorkflow', {
        workflowId: workflowIds.device(deviceId),
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [input],
        signal: deviceEventSignal,
        signalArgs: [event],
      });
    const at = new Date().toISOString();
    await signal({
      kind: 'authenticated',
      enrollmentId,
      at,
      udid: 'OLD-SHAPE',
      serialNumber: 'OLD1',
      modelName: 'Mac',
    });
    await signal({ kind: 'declarative-status', enrollmentId, at, report: { old: true } });

    const device = await eventually(async () => {
      const row = await planes.database.core.db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', deviceId)
        .executeTakeFirst();
      return (row?.facts as { declarativeStatus?: unknown } | undefined)?.declarativeStatus ? row : undefined;
    });
    expect(device).toMatchObject({
      platform: 'apple',
      udid: 'OLD-SHAPE',
      serial_number: 'OLD1',
      model: 'Mac',
    });
    expect(device.facts).toMatchObject({
      authenticate: { kind: 'authenticated', udid: 'OLD-SHAPE' },
      declarativeStatus: { old: true },
    });
    const state = await planes.temporal.workflow
      .getHandle(workflowIds.device(deviceId))
      .query(deviceStateQuery);
    expect(state).toMatchObject({ platform: 'apple', enrollmentId });
  });
});
