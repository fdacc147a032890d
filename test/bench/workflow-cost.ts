// Counts what the Temporal service did for a run: workflow tasks completed and history events, over every execution.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { EventType } = proto.temporal.api.enums.v1;

export interface Work {
  historyEvents: number;
  /** WorkflowTaskCompleted events: each is one round of workflow code on a worker. */
  workflowTasks: number;
}

export interface WorkflowWork extends Work {
  executions: number;
  /** The same totals per workflow type (e.g. the device-events workflow's share of a phase). */
  byType: Record<string, Work>;
}

export interface WorkflowCostCounter {
  /** Totals over every execution in the namespace so far (each bench run has a namespace of its own). */
  count(): Promise<WorkflowWork>;
  /** Counts until two counts a second apart agree, so relayed events that are still in flight are included. */
  settled(maxMs: number): Promise<WorkflowWork>;
}

/**
 * Per operation of a phase: `(after - before) / operations`, 0 when the phase did nothing; of one workflow
 * type when `type` is given.
 */
export function workPerOperation(
  before: WorkflowWork,
  after: WorkflowWork,
  operations: number,
  type?: string,
): Work {
  const [from, to] = type ? [before.byType[type], after.byType[type]] : [before, after];
  if (operations <= 0 || !to) return { historyEvents: 0, workflowTasks: 0 };
  return {
    historyEvents: (to.historyEvents - (from?.historyEvents ?? 0)) / operations,
    workflowTasks: (to.workflowTasks - (from?.workflowTasks ?? 0)) / operations,
  };
}

export function workflowCostCounter(
  client: Client,
  options: { concurrency?: number } = {},
): WorkflowCostCounter {
  // A closed execution's history never changes again: count it once.
  const closed = new Map<string, { historyEvents: number; workflowTasks: number }>();

  /** In small pages: a batch workflow's page of 1,000 events can pass gRPC's 4 MiB message limit. */
  async function countOne(workflowId: string, runId: string) {
    let historyEvents = 0;
    let workflowTasks = 0;
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId, runId },
        maximumPageSize: 100,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      const events = page.history?.events ?? [];
      historyEvents += events.length;
      workflowTasks += events.filter(
        (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      ).length;
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return { historyEvents, workflowTasks };
  }

  async function count(): Promise<WorkflowWork> {
    const pending: Array<{ workflowId: string; runId: string; type: string; running: boolean }> = [];
    for await (const info of client.workflow.list()) {
      pending.push({
        workflowId: info.workflowId,
        runId: info.runId,
        type: info.type,
        running: info.status.name === 'RUNNING',
      });
    }
    const total: WorkflowWork = {
      executions: pending.length,
      historyEvents: 0,
      workflowTasks: 0,
      byType: {},
    };
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const { workflowId, runId, type, running } = pending[next++]!;
        const counted = closed.get(runId) ?? (await countOne(workflowId, runId));
        if (!running) closed.set(runId, counted);
        total.historyEvents += counted.historyEvents;
        total.workflowTasks += counted.workflowTasks;
        const ofType = (total.byType[type] ??= { historyEvents: 0, workflowTasks: 0 });
        ofType.historyEvents += counted.historyEvents;
        ofType.workflowTasks += counted.workflowTasks;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    return total;
  }

  return {
    count,
    async settled(maxMs) {
      const deadline = performance.now() + maxMs;
      let last = await count();
      while (performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const now = await count();
        if (now.historyEvents === last.historyEvents && now.executions === last.executions) return now;
        last = now;
      }
      return last;
    },
  };
}
