// Renews expiring device identities (`identity-renewal-<core task queue>`, started by the schedule of that name):
// each due device gets an InstallProfile of its enrollment profile with a renewal challenge; it enrols the new
// identity over SCEP, and the edge rebinds the enrollment when the device first signs with it, which revokes
// the old one. A run asks at most `maxPerRun` devices (the activity bounds it); progress is a query.
import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { IdentityRenewalActivities } from '../activities/pki/identity-renewal.activities.js';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import { askToRenew } from './identity-renewal-ask.js';

export interface IdentityRenewalProgress {
  due: number;
  asked: number;
  /** Due devices whose enrollment no edge holds (nothing was queued for them). */
  notAtEdge: number;
}

export const identityRenewalProgressQuery = defineQuery<IdentityRenewalProgress>('identityRenewalProgress');

export async function identityRenewalWorkflow(): Promise<IdentityRenewalProgress> {
  const core = proxyActivities<IdentityRenewalActivities & Pick<PkiActivities, 'edgeTaskQueues'>>({
    startToCloseTimeout: '1 minute',
  });
  const progress: IdentityRenewalProgress = { due: 0, asked: 0, notAtEdge: 0 };
  setHandler(identityRenewalProgressQuery, () => progress);

  const edges = await core.edgeTaskQueues();
  const targets = await core.findIdentitiesToRenew();
  progress.due = targets.length;
  for (const target of targets) {
    if ((await askToRenew(target, edges)) === 'asked') progress.asked++;
    else progress.notAtEdge++;
  }
  return progress;
}
