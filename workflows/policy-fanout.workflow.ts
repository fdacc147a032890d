// Applies one change of a policy (a new version, an assignment added or withdrawn) to its devices: recompute
// the desired set in bulk in the core DB, then signal the changed devices' workflows a page at a time.
import { proxyActivities, uuid4 } from '@temporalio/workflow';
import type { PolicyFanOutActivities } from '../activities/policy/policy-fanout.activities.js';

/** Signals per activity: one page is a few hundred signals, well inside one activity's timeout. */
const PAGE = 200;

export async function policyFanOutWorkflow(input: {
  policyId: string;
  /** Tell every device holding the policy, not only those whose version changed: they re-prove their state. */
  everyDevice?: boolean;
}): Promise<{ changed: number; signalled: number }> {
  const core = proxyActivities<PolicyFanOutActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const fanoutId = uuid4();
  const { changed } = await core.recomputePolicyDevices({
    policyId: input.policyId,
    fanoutId,
    everyDevice: input.everyDevice ?? false,
  });
  let signalled = 0;
  let after: string | undefined;
  do {
    const page = await core.signalPolicyDevices({
      policyId: input.policyId,
      fanoutId,
      limit: PAGE,
      ...(after ? { after } : {}),
    });
    signalled += page.signalled;
    after = page.next;
  } while (after);
  return { changed, signalled };
}
