// Runs a workflow only the admin API may start, as the admin API does: its start recorded first in the core DB
// (the proof the workflow checks), then executed on the core's task queue.
import { recordAdminStart } from '../../admin/admin-command-request.repository.js';
import type { TestPlanes } from './planes.js';

export async function executeAsAdmin(
  planes: TestPlanes,
  workflowType: string,
  workflowId: string,
  input: unknown,
): Promise<unknown> {
  await recordAdminStart(planes.database.core.db, { workflowId, workflowType, input, requestedBy: 'test' });
  return planes.temporal.workflow.execute(workflowType, {
    workflowId,
    taskQueue: planes.coreConfig.core.taskQueue,
    args: [input],
  });
}
