// The first slice through every layer: an edge request signals this core workflow, which calls one activity
// on the edge task queue and one on the core task queue and returns both stamps. Later workflows copy its shape.
import { condition, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type {
  CorePlaneCheckActivities,
  EdgePlaneCheckActivities,
} from '../activities/plane-check.activities.js';

export interface PlaneCheckRequest {
  marker: string;
}

export interface PlaneCheckResult {
  marker: string;
  edgeStampedAt: string;
  coreStampedAt: string;
}

export const planeCheckSignal = defineSignal<[PlaneCheckRequest]>('planeCheck');

export async function planeCheckWorkflow(input: { edgeTaskQueue: string }): Promise<PlaneCheckResult> {
  let request: PlaneCheckRequest | undefined;
  setHandler(planeCheckSignal, (received) => {
    request ??= received;
  });
  if (!(await condition(() => request !== undefined, '1 minute'))) {
    throw new Error('no plane-check request arrived within a minute');
  }
  const { marker } = request!;
  const { workflowId } = workflowInfo();
  const edge = proxyActivities<EdgePlaneCheckActivities>({
    taskQueue: input.edgeTaskQueue,
    startToCloseTimeout: '10 seconds',
    retry: { maximumAttempts: 5 },
  });
  const core = proxyActivities<CorePlaneCheckActivities>({
    startToCloseTimeout: '10 seconds',
    retry: { maximumAttempts: 5 },
  });
  const edgeStampedAt = await edge.stampEdge({ workflowId, marker });
  const coreStampedAt = await core.stampCore({ workflowId, marker });
  return { marker, edgeStampedAt, coreStampedAt };
}
