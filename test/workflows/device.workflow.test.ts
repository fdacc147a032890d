// The device workflow keeps its state across continue-as-new, and its recorded history replays deterministically.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../core/device/device-event.js';
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
    const signal = (event: DeviceEvent) =>
      planes.temporal.workflow.signalWithStart('deviceWorkflow', {
        workflowId: workflowIds.device(deviceId),
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [input],
        signal: deviceEventSignal,
        signalArgs: [event],
      });
    const at = () => new Date().toISOString();
    const first = await signal({
      kind: 'authenticated',
      enrollmentId,
      at: at(),
      udid: 'CAN-TEST',
      serialNumber: 'CAN1',
    });
    const firstRunId = first.signaledRunId;
    for (let i = 0; i < 12; i++)
      await signal({ kind: 'declarative-status', enrollmentId, at: at(), report: { i } });

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
      const file = new URL('../fixtures/histories/device-workflow.history.pb', import.meta.url);
      writeFileSync(file, await recordableHistory(history, testStack().payloadKeys));
    }
  });
});
