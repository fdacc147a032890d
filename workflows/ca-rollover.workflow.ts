// One CA rollover (`ca-rollover-<id>`, started by an admin): introduce a new issuing CA under the root (or, with
// `newRoot`, under a successor root cross-certified by the current one, first installed on the Apple devices as a
// trust profile until the share asked for has it, and published with its cross-certificate), publish it
// to every edge beside the old one, switch issuance to it, ask the devices holding old-CA identities to renew in
// bounded rounds (the identity-renewal path), and once none remain (or the deadline passed) retire the old CA and
// publish the chain without it. Pause and resume are admin Updates; progress is a query.
import { condition, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { CaRolloverActivities } from '../activities/pki/ca-rollover.activities.js';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import { requireAdminAction, requireAdminStart } from './admin-command-proof.js';
import {
  caRolloverProgressQuery,
  pauseCaRolloverUpdate,
  resumeCaRolloverUpdate,
  type CaRolloverActor,
  type CaRolloverInput,
  type CaRolloverProgress,
} from './ca-rollover.messages.js';
import { askToRenew } from './identity-renewal-ask.js';
import { installCaChainOnEveryEdge } from './install-on-edges.js';
import { deliverRootTrust } from './root-trust-delivery.js';

export async function caRolloverWorkflow(input: CaRolloverInput): Promise<CaRolloverProgress> {
  const core = proxyActivities<CaRolloverActivities & Pick<PkiActivities, 'edgeTaskQueues'>>({
    startToCloseTimeout: '1 minute',
  });
  const progress: CaRolloverProgress = {
    rolloverId: input.rolloverId,
    phase: 'introducing',
    paused: false,
    newCa: null,
    remaining: 0,
    asked: 0,
    notAtEdge: 0,
    deadlinePassed: false,
  };
  setHandler(caRolloverProgressQuery, () => progress);
  // The handlers are registered before the start proof is read: an Update that comes meanwhile waits for it
  // instead of being rejected for want of a handler.
  let started = false;
  const act =
    (paused: boolean) =>
    async ({ by, requestId }: CaRolloverActor) => {
      await condition(() => started);
      await requireAdminAction({
        requestId,
        action: `ca-rollover.${paused ? 'pause' : 'resume'}`,
        targetKind: 'ca-rollover',
        targetId: input.rolloverId,
        requestedBy: by,
      });
      progress.paused = paused;
      if (!paused) delete progress.pausedReason;
      return progress;
    };
  const refuseWhenDone = (_actor: CaRolloverActor) => {
    if (progress.phase === 'completed') throw new Error('the rollover is completed');
  };
  setHandler(pauseCaRolloverUpdate, act(true), { validator: refuseWhenDone });
  setHandler(resumeCaRolloverUpdate, act(false), { validator: refuseWhenDone });
  await requireAdminStart('caRolloverWorkflow', input);
  started = true;
  /** Each phase starts only while not paused: a pause holds the rollover where it is. */
  const enter = async (phase: CaRolloverProgress['phase']) => {
    await condition(() => !progress.paused);
    progress.phase = phase;
  };

  progress.newCa = (
    await core.introduceIssuingCa({
      rolloverId: input.rolloverId,
      ...(input.newRoot ? { newRoot: true } : {}),
    })
  ).subject;
  // A new root is on the devices before anything chains to it alone.
  if (input.newRoot) {
    await enter('trusting');
    await deliverRootTrust(input, progress);
  }
  // Trusted everywhere before it issues anything: a device's new identity must verify at whichever edge it meets.
  await enter('publishing');
  await installCaChainOnEveryEdge();
  if (input.announceSeconds > 0) await sleep(`${input.announceSeconds} seconds`);
  await enter('switching');
  await core.activateIssuingCa({ rolloverId: input.rolloverId });

  await enter('renewing');
  const deadline = Date.parse(input.deadline);
  const edges = await core.edgeTaskQueues();
  for (;;) {
    const { remaining, due } = await core.findOldCaIdentities({
      batchSize: input.batchSize,
      askAgainAfterMinutes: input.askAgainAfterMinutes,
    });
    progress.remaining = remaining;
    if (remaining === 0) break;
    if (Date.now() >= deadline) {
      progress.deadlinePassed = true;
      break;
    }
    for (const target of due) {
      if ((await askToRenew(target, edges)) === 'asked') progress.asked++;
      else progress.notAtEdge++;
    }
    await sleep(`${input.checkIntervalSeconds} seconds`);
    await condition(() => !progress.paused);
  }

  await enter('retiring');
  await core.retireIssuingCa();
  await installCaChainOnEveryEdge();
  progress.phase = 'completed';
  return progress;
}
