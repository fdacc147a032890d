// Asks one device to renew its identity: the InstallProfile that renews it, queued at whichever edge holds the
// enrollment, and the ask recorded. Shared by the scheduled identity renewal and the CA rollover.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type {
  IdentityRenewalActivities,
  RenewalTarget,
} from '../activities/pki/identity-renewal.activities.js';
import { enqueueWhereEnrolled } from './enqueue-where-enrolled.js';

/** `asked`, or `not-at-edge` when no edge holds the enrollment (nothing was queued). */
export async function askToRenew(
  target: RenewalTarget,
  edges: readonly string[],
): Promise<'asked' | 'not-at-edge'> {
  const core = proxyActivities<IdentityRenewalActivities>({ startToCloseTimeout: '1 minute' });
  const command = await core.buildIdentityRenewalCommand({ enrollmentId: target.enrollmentId });
  if (!(await enqueueWhereEnrolled(target.enrollmentId, [command], edges))) return 'not-at-edge';
  await core.recordIdentityRenewalAsked({
    target,
    commandUuid: command.commandUuid,
    runId: workflowInfo().runId,
  });
  return 'asked';
}
