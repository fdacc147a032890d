// One zero-touch (ADE) enrollment (`zero-touch-<enrollmentId>`): waits for the device, places it in its owner's
// teams, waits for its baseline, then sends DeviceConfigured so Setup Assistant lets the user in. Every step
// is an activity Temporal retries, so a worker restart or a directory outage only delays it.
import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { DeviceActivities } from '../activities/device/device.activities.js';
import type {
  ZeroTouchActivities,
  ZeroTouchProgress,
} from '../activities/apple/dep/zero-touch.activities.js';
import type { OnboardingWebhookActivities } from '../activities/apple/dep/onboarding-webhook.activities.js';
import type { LocalAdminActivities } from '../activities/apple/local-admin.activities.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';
import type { CommandOutcome } from '../core/device/device-event.js';
import type { ZeroTouchStatus } from '../core/db/core/zero-touch-enrollment.table.js';
import { zeroTouchDeviceSignal, zeroTouchStateQuery } from './zero-touch.messages.js';

export interface ZeroTouchEnrollmentInput {
  enrollmentId: string;
  depDeviceId: string;
  edgeTaskQueue: string;
  /** DeviceConfigured goes out after this long even if the baseline is not acknowledged (`dep.configuredTimeoutMinutes`). */
  configuredTimeoutMinutes: number;
}

/** A profile downloaded but never installed leaves nothing to wait for. */
const DEVICE_WAIT = '7 days';
/** A device that never answers DeviceConfigured has left Setup Assistant some other way (or was wiped). */
const CONFIGURED_ANSWER_WAIT_MS = 24 * 3600_000;
/** The device's reports nudge the enrollment; this re-reads the core DB anyway, in case a nudge was never sent. */
const RECHECK_MS = 30_000;

export async function zeroTouchEnrollmentWorkflow(input: ZeroTouchEnrollmentInput): Promise<void> {
  const { enrollmentId, depDeviceId } = input;
  const core = proxyActivities<
    ZeroTouchActivities &
      OnboardingWebhookActivities &
      LocalAdminActivities &
      Pick<DeviceActivities, 'recordCommandQueued'>
  >({
    startToCloseTimeout: '2 minutes',
    // No attempt limit: a directory or database outage ends, and the enrollment then finishes.
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const edge = proxyActivities<DeviceCommandActivities>({
    taskQueue: input.edgeTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });

  let status: ZeroTouchStatus = 'waiting-for-device';
  let reason: string | undefined;
  let deviceId: string | undefined;
  let nudges = 0;
  const outcomes = new Map<string, CommandOutcome>();
  setHandler(zeroTouchStateQuery, () => ({ status, ...(reason === undefined ? {} : { reason }) }));
  setHandler(zeroTouchDeviceSignal, (event) => {
    if (event.kind === 'awaiting-configuration') deviceId = event.deviceId;
    else outcomes.set(event.commandUuid, event.outcome);
    nudges += 1;
  });

  /** Re-reads the core DB at every nudge from the device (and every RECHECK_MS) until `settled` or the time is up. */
  async function waitUntil(settled: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = nudges;
      if (await settled()) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await condition(() => nudges !== seen, Math.min(left, RECHECK_MS));
    }
  }

  async function record(next: ZeroTouchStatus, why?: string, extra: Partial<ZeroTouchProgress> = {}) {
    status = next;
    reason = why;
    await core.recordZeroTouchProgress({
      enrollmentId,
      depDeviceId,
      status: next,
      ...(why === undefined ? {} : { reason: why }),
      ...(deviceId === undefined ? {} : { deviceId }),
      ...extra,
    });
  }

  if (!(await condition(() => deviceId !== undefined, DEVICE_WAIT))) {
    await record('failed', `the device did not enrol within ${DEVICE_WAIT}`);
    return;
  }
  await record('awaiting-configuration');
  const placement = await core.placeZeroTouchDevice({ depDeviceId, deviceId: deviceId!, enrollmentId });
  await core.recordZeroTouchProgress({
    enrollmentId,
    depDeviceId,
    status,
    deviceId: deviceId!,
    placement,
    ...(placement.reason === undefined ? {} : { reason: placement.reason }),
  });

  // The managed admin (vault.localAdmin) joins the baseline, so DeviceConfigured waits for it; histories from
  // before it replay without.
  const localAdmin = patched('zero-touch-local-admin');
  if (localAdmin)
    await core.sendLocalAdminAccount({
      enrollmentId,
      depDeviceId,
      deviceId: deviceId!,
      edgeRecipient: await edge.edgeSealingRecipient(),
    });

  const baselineDone = await waitUntil(
    async () => (await core.zeroTouchBaseline({ deviceId: deviceId! })).pending === 0,
    input.configuredTimeoutMinutes * 60_000,
  );
  const why = baselineDone
    ? 'baseline acknowledged'
    : `DeviceConfigured sent after ${input.configuredTimeoutMinutes} minutes without the baseline acknowledged`;
  const command = await core.buildDeviceConfigured();
  await core.recordCommandQueued({
    deviceId: deviceId!,
    commandUuid: command.commandUuid,
    requestType: command.requestType,
    requestedBy: 'keep',
  });
  await edge.enqueueCommands({ platform: 'apple', enrollmentId, commands: [command] });

  let outcome: CommandOutcome | undefined;
  const answered = await waitUntil(async () => {
    outcome =
      outcomes.get(command.commandUuid) ??
      (await core.zeroTouchBaseline({ deviceId: deviceId!, commandUuid: command.commandUuid })).outcome;
    return outcome !== undefined && outcome !== 'not-now';
  }, CONFIGURED_ANSWER_WAIT_MS);
  // The Mac answered AccountConfiguration before DeviceConfigured (its queue is in order).
  if (localAdmin && answered) await core.settleLocalAdminAccount({ enrollmentId, deviceId: deviceId! });
  if (answered && outcome === 'acknowledged') {
    await record('configured', why);
    // The onboarding system that pre-staged the device learns it is ready (retried until its receiver is up).
    await core.notifyOnboarding({ depDeviceId, enrollmentId, deviceId: deviceId! });
  } else
    await record(
      'failed',
      answered
        ? `the device answered DeviceConfigured with ${outcome}`
        : 'the device did not answer DeviceConfigured',
    );
}
