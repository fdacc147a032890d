// The test platform's edge: a check-in that takes neutral events as JSON (behind a shared secret: it is only
// a test), a command queue in memory, and one activity of its own.
import { Context } from '@temporalio/activity';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { DeviceEvent } from '../../../core/device/device-event.js';
import { addDeviceEvent } from '../../../edge/outbox/outbox.repository.js';
import type { EdgePlatform, EnqueueCommandsInput } from '../../../edge/platform.js';

export const TEST_PLATFORM_SECRET_HEADER = 'x-test-platform-secret';

/** What the test platform's edge code saw, with the task queue of the worker that ran it. */
export interface TestEdgeRecord {
  queued: Array<EnqueueCommandsInput & { taskQueue: string }>;
}

interface TestCheckin {
  deviceId: string;
  enrollmentId: string;
  kind: DeviceEvent['kind'];
  data: DeviceEvent['data'];
}

export function testEdgePlatform(secret: string, record: TestEdgeRecord): EdgePlatform {
  return {
    id: 'test',
    start: (deps) => ({
      routes: new Hono().put('/test-platform/checkin', async (c) => {
        if (c.req.header(TEST_PLATFORM_SECRET_HEADER) !== secret)
          throw new HTTPException(401, { message: 'not the test platform' });
        const body = await c.req.json<TestCheckin>();
        await addDeviceEvent(deps.db, body.deviceId, {
          platform: 'test',
          kind: body.kind,
          enrollmentId: body.enrollmentId,
          at: new Date().toISOString(),
          data: body.data,
        } as DeviceEvent);
        deps.onOutbox();
        return c.body(null, 200);
      }),
      activities: {
        testPlatformEdgePing: async () => Context.current().info.taskQueue,
      },
      enqueueCommands: async (input) => {
        record.queued.push({ ...input, taskQueue: Context.current().info.taskQueue });
        return { pushed: true, outcome: 'sent' };
      },
      enqueueBulk: async ({ commands }) => {
        const taskQueue = Context.current().info.taskQueue;
        for (const { enrollmentId, ...command } of commands)
          record.queued.push({ enrollmentId, commands: [command], taskQueue });
        return { unknown: [], pushed: commands.length };
      },
      close: async () => undefined,
    }),
  };
}
