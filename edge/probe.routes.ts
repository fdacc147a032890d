// POST /v1/probe — the plane check: signals a core workflow that stamps both schemas and answers with the stamps.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { DeadlineError, withDeadline } from '../core/concurrency/deadline.js';
import { newOpaqueId, workflowIds } from '../core/temporal/task-queues.js';
import type { PlaneCheckResult } from '../workflows/plane-check.workflow.js';

export interface ProbeDeps {
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  timeoutMs?: number;
}

export function probeRoutes(deps: ProbeDeps) {
  return new Hono().post('/v1/probe', async (c) => {
    const body: unknown = await c.req.json().catch(() => null);
    const marker = (body as { marker?: unknown } | null)?.marker;
    if (typeof marker !== 'string' || marker.length === 0 || marker.length > 200) {
      throw new HTTPException(400, { message: 'body must be JSON {"marker": "<1–200 characters>"}' });
    }
    const handle = await deps.temporal.workflow.signalWithStart('planeCheckWorkflow', {
      workflowId: workflowIds.planeCheck(newOpaqueId()),
      taskQueue: deps.coreTaskQueue,
      args: [{ edgeTaskQueue: deps.edgeTaskQueue }],
      signal: 'planeCheck',
      signalArgs: [{ marker }],
      workflowExecutionTimeout: '2 minutes',
    });
    try {
      const result = (await withDeadline(handle.result(), deps.timeoutMs ?? 30_000)) as PlaneCheckResult;
      return c.json({ workflowId: handle.workflowId, ...result });
    } catch (err) {
      if (err instanceof DeadlineError)
        throw new HTTPException(504, { message: 'the core did not answer in time', cause: err });
      if (err instanceof WorkflowFailedError)
        throw new HTTPException(502, { message: 'the plane check failed', cause: err });
      throw err;
    }
  });
}
