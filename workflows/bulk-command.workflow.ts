// One command to many devices (`bulk-command-<id>`): page by page, the commands are recorded in the core with one
// statement, then queued at the edges with one activity per page and edge, which pushes each device once.
import { continueAsNew, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { BulkCommandActivities, BulkPageTarget } from '../activities/device/bulk-command.activities.js';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';
import { requireAdminStart } from './admin-command-proof.js';

/**
 * Only the id: the command, its platform and who asked are read from the row the admin API wrote, so whoever can
 * start a workflow but cannot write the core schema (a compromised edge) cannot fan out a command of its own.
 */
export interface BulkCommandInput {
  bulkId: string;
  /** Targets per page: one core statement and one activity per edge each (default 500). */
  pageSize?: number;
  /** The last device id handed out, carried across continue-as-new. */
  after?: string;
}

const PAGE_SIZE = 500;

export async function bulkCommandWorkflow(input: BulkCommandInput): Promise<void> {
  const core = proxyLocalActivities<BulkCommandActivities & Pick<PkiActivities, 'edgeTaskQueues'>>({
    startToCloseTimeout: '1 minute',
  });
  const edgeAt = (taskQueue: string) =>
    proxyActivities<DeviceCommandActivities>({
      taskQueue,
      startToCloseTimeout: '1 minute',
      retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
    });
  // The first run uses up the start the admin API recorded, so the edge cannot start a recorded bulk command
  // again (nor under another id); its continuations carry on what it began.
  if (workflowInfo().continuedFromExecutionRunId === undefined)
    await requireAdminStart('bulkCommandWorkflow', input);
  // Read in the core, never passed by the caller: the edges this core serves, tried in order for each page.
  const edges = await core.edgeTaskQueues();
  const { platform, requestedBy, template } = await core.loadBulkCommand({ bulkId: input.bulkId });
  let after = input.after ?? '';
  for (;;) {
    const page = await core.recordBulkCommandPage({
      bulkId: input.bulkId,
      after,
      limit: input.pageSize ?? PAGE_SIZE,
      requestType: template.requestType,
      requestedBy,
    });
    const last = page.at(-1);
    if (!last) break;
    let remaining = page.filter((target) => target.enrollmentId !== null);
    const queued: BulkPageTarget[] = [];
    for (const taskQueue of edges) {
      if (remaining.length === 0) break;
      const { unknown } = await edgeAt(taskQueue).enqueueBulkCommands({
        platform,
        template: template,
        targets: remaining.map((target) => ({
          enrollmentId: target.enrollmentId!,
          commandUuid: target.commandUuid,
        })),
      });
      const elsewhere = new Set(unknown);
      queued.push(...remaining.filter((target) => !elsewhere.has(target.enrollmentId!)));
      remaining = remaining.filter((target) => elsewhere.has(target.enrollmentId!));
    }
    const queuedIds = new Set(queued.map((target) => target.deviceId));
    await core.recordBulkCommandOutcome({
      bulkId: input.bulkId,
      queued: [...queuedIds],
      notAtEdge: page.filter((target) => !queuedIds.has(target.deviceId)).map((target) => target.deviceId),
    });
    after = last.deviceId;
    if (workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof bulkCommandWorkflow>({ ...input, after });
  }
  await core.finishBulkCommand({ bulkId: input.bulkId });
}
