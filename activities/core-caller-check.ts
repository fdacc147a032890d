// The core worker runs an activity only for a workflow on the core's own task queue. Anyone with the namespace's
// credentials (a compromised edge) can run a worker of its own whose workflows schedule activities on any task
// queue: without this check the core's activities (a SCEP challenge in clear, a certificate from the CA, a
// revocation) would be an open API to it, and the admin-start proofs its workflows check could be walked around.
import { ApplicationFailure } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Runs already checked (a device workflow calls many activities over its life); bounded, oldest out first. */
const CHECKED_RUNS_MAX = 10_000;

export function coreCallerCheck(deps: {
  connection: Pick<NativeConnection, 'workflowService'>;
  namespace: string;
  taskQueue: string;
}): ActivityInterceptorsFactory {
  const checked = new Set<string>();

  /** The task queue the server records for the calling run: its own, not a name the caller could claim. */
  async function runsOnCoreQueue(execution: { workflowId: string; runId: string }): Promise<boolean> {
    if (checked.has(execution.runId)) return true;
    let taskQueue: string | null | undefined;
    try {
      const described = await deps.connection.workflowService.describeWorkflowExecution({
        namespace: deps.namespace,
        execution,
      });
      taskQueue = described.executionConfig?.taskQueue?.name;
    } catch (error) {
      // gRPC NOT_FOUND: no such run in this namespace. Anything else (Temporal unreachable) retries the activity.
      if ((error as { code?: number }).code === 5) return false;
      throw new Error('could not check the workflow that scheduled this activity', { cause: error });
    }
    if (taskQueue !== deps.taskQueue) return false;
    if (checked.size >= CHECKED_RUNS_MAX) checked.delete(checked.values().next().value!);
    checked.add(execution.runId);
    return true;
  }

  return function coreCallerCheckInterceptors(ctx) {
    return {
      inbound: {
        async execute(input, next) {
          const { isLocal, workflowExecution, activityType } = ctx.info;
          // A local activity runs inside a workflow task this very worker holds: its caller is the core's code.
          if (!isLocal && !(workflowExecution && (await runsOnCoreQueue(workflowExecution))))
            throw ApplicationFailure.nonRetryable(
              `refused ${activityType}: its caller is not a workflow of the core's task queue`,
              'NotAuthorised',
            );
          return next(input);
        },
      },
    };
  };
}
