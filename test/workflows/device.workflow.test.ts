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
      maxHistoryEvents: 20,
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
    // A user channel's readiness wakes nothing in production; here it grows the history without side effects.
    const userChannel = () =>
      signal({
        platform: 'apple',
        kind: 'channel-ready',
        enrollmentId,
        at: at(),
        data: { userChannel: true, awaitingConfiguration: false },
      });
    const firstRunId = (await userChannel()).signaledRunId;
    for (let i = 0; i < 12; i++) await userChannel();

    const handle = planes.temporal.workflow.getHandle(workflowIds.device(deviceId));
    const description = await eventually(async () => {
      const d = await handle.describe();
      return d.runId !== firstRunId ? d : undefined;
    });
    expect(description.status.name).toBe('RUNNING');
    const state = await handle.query(deviceStateQuery);
    expect(state.enrollmentId).toBe(enrollmentId);
    // Events are written by the bulk ingest, not by the device workflow.
    expect(
      await planes.database.core.db.selectFrom('devices').where('id', '=', deviceId).executeTakeFirst(),
    ).toBeUndefined();

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
      // The recordings from before events were neutral (device-workflow) and before bulk ingest (-neutral-events) stay, and replay.
      const file = new URL('../fixtures/histories/device-workflow-woken.history.pb', import.meta.url);
      writeFileSync(file, await recordableHistory(history, testStack().payloadKeys));
    }
  });

  it('accepts the Apple-only event shape that edges sent before events were neutral', async () => {
    const deviceId = randomUUID();
    const enrollmentId = randomUUID();
    const input: DeviceWorkflowInput = { deviceId, edgeTaskQueue: planes.edgeConfig.edge.taskQueue };
    await planes.temporal.workflow.signalWithStart('deviceWorkflow', {
      workflowId: workflowIds.device(deviceId),
      taskQueue: planes.coreConfig.core.taskQueue,
      args: [input],
      signal: deviceEventSignal,
      signalArgs: [
        {
          kind: 'token-updated',
          enrollmentId,
          at: new Date().toISOString(),
          user: true,
          awaitingConfiguration: false,
        },
      ],
    });
    const handle = planes.temporal.workflow.getHandle(workflowIds.device(deviceId));
    const state = await eventually(async () => {
      const s = await handle.query(deviceStateQuery);
      return s.enrollmentId ? s : undefined;
    });
    expect(state).toMatchObject({ platform: 'apple', enrollmentId, enrolled: false });
  });
});
