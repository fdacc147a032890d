// A staged rollout of a policy version: release a wave, tell the devices whose desired state changed, judge the
// wave's health from the core DB, pause with the reason when a gate fails; pause, resume, approve and abort as
// Updates. The history stays small: no per-device event, and a new run for each wave.
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RolloutActivities } from '../activities/rollout/rollout.activities.js';
import type { RolloutWebhookActivities } from '../activities/rollout/rollout-webhook.activities.js';
// The pure parts only: the folder's index also offers the progress query, which has no place in a workflow.
import { judgeWave } from '../core/rollout/rollout-gate.js';
import type { RolloutStatus } from '../core/rollout/rollout-plan.js';
import { isNotifiedRolloutStatus } from '../core/rollout/rollout-notification.js';
import type { RolloutRunState } from '../core/rollout/rollout-run-state.js';
import { rolloutTransition, type RolloutAction } from '../core/rollout/rollout-transition.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import { requireAdminAction } from './admin-command-proof.js';
import { policyFanOutWorkflow } from './policy-fanout.workflow.js';
import {
  abortRolloutUpdate,
  approveRolloutUpdate,
  pauseRolloutUpdate,
  resumeRolloutUpdate,
  rolloutProgressQuery,
  type RolloutActor,
  type RolloutView,
} from './rollout.messages.js';

export interface RolloutInput {
  /** The rollout the admin API recorded; its policy, plan and state are read from the core DB, never taken here. */
  rolloutId: string;
}

export async function rolloutWorkflow(input: RolloutInput): Promise<RolloutView> {
  const { rolloutId } = input;
  const core = proxyActivities<RolloutActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  // Bounded (about ten minutes of backoff): a receiver that is down must not hold the rollout for good.
  const webhooks = proxyActivities<RolloutWebhookActivities>({
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: '5 seconds',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      maximumAttempts: 8,
    },
  });
  /** Notifications in flight, not awaited by the Update that caused them; each run waits for its own. */
  const notifications: Array<Promise<void>> = [];
  // Set by `openRollout` below. The handlers are registered first: an Update that arrives while the plan is read
  // must wait for it, not be rejected for want of a handler.
  // eslint-disable-next-line prefer-const -- assigned once, after the handlers that read it are registered
  let s!: RolloutRunState;
  // eslint-disable-next-line prefer-const -- likewise
  let policyId!: string;
  let ready = false;
  let persisted = 0;
  let resumed = false;

  const view = (): RolloutView => {
    if (!ready) throw new Error('the rollout is starting; ask again');
    return {
      status: s.status,
      reason: s.reason,
      wave: s.wave,
      waveCount: s.waveCount,
      waves: s.progress,
    };
  };
  async function setStatus(status: RolloutStatus, reason: string | null): Promise<void> {
    s.status = status;
    s.reason = reason;
    const revision = ++s.revision;
    await core.recordRolloutStatus({ rolloutId, status, reason, revision });
    persisted = Math.max(persisted, revision);
    if (isNotifiedRolloutStatus(status) && patched('rollout-webhooks'))
      notifications.push(
        webhooks.notifyRolloutWebhooks({ rolloutId, status, reason, revision }).then(
          () => undefined,
          (error: unknown) => {
            if (!(error instanceof ActivityFailure)) throw error;
            log.warn('rollout webhook not delivered', { rolloutId, status, cause: error.cause?.message });
          },
        ),
      );
  }
  /** Recomputes the policy's devices in bulk and signals those whose desired version changed, in pages. */
  async function tellDevices(step: string): Promise<void> {
    await executeChild(policyFanOutWorkflow, {
      workflowId: workflowIds.policyFanOut(`${rolloutId}-${step}`),
      args: [{ policyId }],
    });
  }
  function act(action: RolloutAction) {
    return {
      validator: (_actor: RolloutActor) => {
        // Before the plan is read the handler judges (below); after, refused changes never enter the history.
        if (!ready) return;
        const next = rolloutTransition(s.status, action);
        if ('refused' in next) throw new Error(next.refused);
      },
      handler: async ({ by, requestId }: RolloutActor): Promise<RolloutView> => {
        await condition(() => ready);
        await requireAdminAction({
          requestId,
          action: `rollout.${action}`,
          targetKind: 'rollout',
          targetId: rolloutId,
          requestedBy: by,
        });
        // Checked again: the status may have changed while the proof was read.
        const next = rolloutTransition(s.status, action);
        if ('refused' in next) throw new Error(next.refused);
        if (action === 'approve') s.approved = true;
        if (action === 'resume') resumed = true;
        await setStatus(next.to, action === 'pause' ? `paused by ${by}` : null);
        return view();
      },
    };
  }
  setHandler(pauseRolloutUpdate, act('pause').handler, { validator: act('pause').validator });
  setHandler(resumeRolloutUpdate, act('resume').handler, { validator: act('resume').validator });
  setHandler(approveRolloutUpdate, act('approve').handler, { validator: act('approve').validator });
  setHandler(abortRolloutUpdate, act('abort').handler, { validator: act('abort').validator });
  setHandler(rolloutProgressQuery, view);

  const opened = await core.openRollout({ rolloutId });
  policyId = opened.policyId;
  const { plan } = opened;
  // The first run (or one after its workflow was terminated) starts from what the core DB recorded.
  s = opened.state ?? {
    waveCount: (await core.prepareRollout({ rolloutId })).waveCount,
    ...opened.recorded,
    released: false,
    waveStartedAt: Date.now(),
    approved: false,
    progress: [],
  };
  persisted = s.revision;
  ready = true;

  const aborted = () => s.status === 'aborted';
  async function nextRun(): Promise<never> {
    await condition(allHandlersFinished);
    await Promise.all(notifications);
    await core.saveRolloutRun({ rolloutId, state: s });
    return continueAsNew<typeof rolloutWorkflow>({ rolloutId });
  }

  while (s.wave < s.waveCount && !aborted()) {
    if (!s.released) {
      if (s.wave > 0 && plan.requireApproval) {
        while (!s.approved && !aborted()) {
          if (s.status === 'running')
            await setStatus('awaiting-approval', `wave ${s.wave + 1} waits for approval`);
          await condition(() => s.status === 'running' || aborted());
        }
        if (aborted()) break;
      }
      await core.releaseRolloutWave({ rolloutId, wave: s.wave });
      await tellDevices(`wave-${s.wave}`);
      s.released = true;
      s.waveStartedAt = Date.now();
      s.approved = false;
      resumed = false;
    }
    // The gate: read the wave's health until it passes, pausing (with why) when it fails.
    for (;;) {
      if (aborted()) break;
      if (s.status === 'paused') {
        await condition(() => s.status !== 'paused');
        if (aborted()) break;
        if (s.approved) break;
        if (resumed) s.waveStartedAt = Date.now();
        resumed = false;
        continue;
      }
      s.progress = await core.readRolloutProgress({ rolloutId });
      const progress = s.progress.find((w) => w.wave === s.wave);
      const verdict = progress
        ? judgeWave(progress, plan, (Date.now() - s.waveStartedAt) / 1000)
        : ({ kind: 'pass' } as const);
      if (verdict.kind === 'pass') break;
      if (verdict.kind === 'fail') {
        if (s.status === 'running') await setStatus('paused', verdict.reason);
        continue;
      }
      await condition(() => s.status !== 'running', `${plan.checkIntervalSeconds} seconds`);
      if (workflowInfo().continueAsNewSuggested) await nextRun();
    }
    if (aborted()) break;
    s.wave += 1;
    s.released = false;
    if (s.wave < s.waveCount) await nextRun();
  }
  if (aborted()) {
    // The abort's own write must land first: the recompute reads the rollout as aborted and restores the
    // version every changed device held before.
    await condition(() => persisted >= s.revision);
    await tellDevices('abort');
  } else {
    await setStatus('completed', null);
    s.progress = await core.readRolloutProgress({ rolloutId });
    await tellDevices('complete');
  }
  await condition(allHandlersFinished);
  await Promise.all(notifications);
  return view();
}
