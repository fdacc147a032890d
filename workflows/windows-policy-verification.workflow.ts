// Scheduled proof of Windows PCs' policies (`windows-policy-verification-<core task queue>`, started by the
// schedule of that name): the PCs proven longest ago are told a page at a time to prove their state; each answer
// wakes only its own device workflow, which verifies and re-applies what drifted.
import { proxyActivities } from '@temporalio/workflow';
import type { WindowsPolicyVerificationActivities } from '../activities/policy/windows-policy-verification.activities.js';

/** Signals per activity: a few hundred, well inside one activity's timeout (as the policy fan-out). */
const PAGE = 200;

export async function windowsPolicyVerificationWorkflow(): Promise<{ signalled: number }> {
  const core = proxyActivities<WindowsPolicyVerificationActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  let signalled = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await core.windowsPolicyProofPage({ offset, limit: PAGE });
    signalled += page.signalled;
    if (!page.more) return { signalled };
  }
}
