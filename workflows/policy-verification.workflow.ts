// Scheduled proof of policies (`policy-verification-<core task queue>-<time>`, started by the schedule of that
// name): one activity records a bounded run's bulk commands, and the bulk fan-out queues them a page at a time. A
// device that drifted while quiet answers its ProfileList, which wakes its workflow to verify and re-apply.
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type {
  PolicyVerificationActivities,
  PolicyVerificationRun,
} from '../activities/policy/policy-verification.activities.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import { bulkCommandWorkflow } from './bulk-command.workflow.js';

export async function policyVerificationWorkflow(): Promise<PolicyVerificationRun> {
  const core = proxyActivities<PolicyVerificationActivities>({ startToCloseTimeout: '1 minute' });
  // The workflow id differs per scheduled run and stays across retries: the run's idempotency key.
  const run = await core.recordPolicyVerification({ runKey: workflowInfo().workflowId });
  // One after the other: SecurityInfo is queued before ProfileList, whose answer is the one that verifies.
  for (const bulkId of run.bulkIds)
    await executeChild(bulkCommandWorkflow, {
      workflowId: workflowIds.bulkCommand(bulkId),
      args: [{ bulkId }],
    });
  return run;
}
