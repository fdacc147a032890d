// A root rollover's first step: the enrolled Apple devices get the successor root as a trust profile, in pages,
// each with a ProfileList whose answer proves it; devices without it are asked again after a while, until the
// share the admin asked for has it. Nothing is issued under the new root before then — unless the admin set a trust
// deadline: past it the rollover pauses itself with the count of devices lacking the root, and the admin's resume
// goes on without them (they still chain through the cross-certificate to the old root while it lives).
import { condition, proxyActivities, sleep } from '@temporalio/workflow';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import type { RootTrustActivities, RootTrustCount } from '../activities/pki/root-trust.activities.js';
import type { CaRolloverInput, CaRolloverProgress } from './ca-rollover.messages.js';
import { enqueueWhereEnrolled } from './enqueue-where-enrolled.js';

export async function deliverRootTrust(input: CaRolloverInput, progress: CaRolloverProgress): Promise<void> {
  const core = proxyActivities<RootTrustActivities & Pick<PkiActivities, 'edgeTaskQueues'>>({
    startToCloseTimeout: '1 minute',
  });
  const trust = (progress.rootTrust = { enrolled: 0, trusted: 0, asked: 0 });
  const share = input.trustedShare ?? 1;
  const reached = () => trust.enrolled === 0 || trust.trusted >= Math.ceil(share * trust.enrolled);
  const edges = await core.edgeTaskQueues();
  // Workflow time, fixed when trust delivery starts. No new commands without the option, so histories of
  // rollovers started before it existed replay unchanged.
  const deadline =
    input.trustDeadlineMinutes === undefined ? Infinity : Date.now() + input.trustDeadlineMinutes * 60_000;
  let askedAt = -Infinity;
  for (;;) {
    // Workflow time: replays see the same values.
    const ask = Date.now() - askedAt >= input.askAgainAfterMinutes * 60_000;
    if (ask) askedAt = Date.now();
    let after: string | null = null;
    for (;;) {
      await condition(() => !progress.paused);
      const count: RootTrustCount = await core.countRootTrust({
        rolloverId: input.rolloverId,
        after,
        pageSize: input.batchSize,
      });
      trust.enrolled = count.enrolled;
      trust.trusted = count.trusted;
      if (reached() || !ask || !count.untrusted.length) break;
      const pages = await core.buildRootTrustCommands({
        rolloverId: input.rolloverId,
        enrollmentIds: count.untrusted,
      });
      for (const { enrollmentId, commands } of pages)
        if (await enqueueWhereEnrolled(enrollmentId, commands, edges)) trust.asked++;
      after = count.untrusted.at(-1)!;
    }
    if (reached()) return;
    if (Date.now() >= deadline) {
      const lacking = trust.enrolled - trust.trusted;
      progress.paused = true;
      progress.pausedReason =
        `trustDeadlineMinutes passed: ${lacking} of ${trust.enrolled} enrolled Apple devices lack the new root ` +
        `(trustedShare ${share} needs ${Math.ceil(share * trust.enrolled)} with it); resume to go on without them`;
      await condition(() => !progress.paused);
      return;
    }
    await sleep(`${input.checkIntervalSeconds} seconds`);
  }
}
