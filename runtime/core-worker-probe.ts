// A readiness probe for "is a core worker running?": whether anyone polled the core task queue for workflow tasks
// recently (Temporal's DescribeTaskQueue pollers), asked at most once per cache period.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Probe } from '../core/health/health-report.js';

export interface CoreWorkerProbeOptions {
  /** How long one answer serves (default 5 s): probes every few seconds from each replica stay cheap. */
  cacheMs?: number;
  /**
   * A poller counts as alive if it polled within this (default 90 s). An idle worker's long poll is answered
   * empty after about 60 s and re-issued at once, and Temporal remembers a gone poller for minutes.
   */
  staleMs?: number;
}

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** A protobuf Timestamp in ms since the epoch (its seconds may be a Long, whose string is exact). */
function timestampMs(ts: proto.google.protobuf.ITimestamp | null | undefined): number {
  return ts ? Number(String(ts.seconds ?? 0)) * 1000 + (ts.nanos ?? 0) / 1e6 : 0;
}

export class NoCoreWorkerError extends Error {
  override name = 'NoCoreWorkerError';
}

export function coreWorkerProbe(
  client: Client,
  taskQueue: string,
  options: CoreWorkerProbeOptions = {},
): Probe {
  const cacheMs = options.cacheMs ?? 5_000;
  const staleMs = options.staleMs ?? 90_000;
  let cached: { at: number; answer: Promise<void> } | undefined;

  async function ask(): Promise<void> {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const since = Date.now() - staleMs;
    if (!pollers.some((poller) => timestampMs(poller.lastAccessTime) >= since))
      throw new NoCoreWorkerError(
        `no core worker polled task queue ${taskQueue} in the last ${staleMs / 1000} s`,
      );
  }

  return () => {
    if (!cached || Date.now() - cached.at >= cacheMs) {
      const answer = ask();
      // Kept for the next callers; each awaits it, so a rejection here is not unhandled.
      answer.catch(() => undefined);
      cached = { at: Date.now(), answer };
    }
    return cached.answer;
  };
}
