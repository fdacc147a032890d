// The device workflow's one hook into zero-touch enrollment: a device that reports AwaitingConfiguration was
// enrolled through ADE, so its zero-touch workflow hears about that and about every command report after it (the
// ingest wakes the device workflow for a report only while its zero-touch enrollment awaits configuration).
import { getExternalWorkflowHandle } from '@temporalio/workflow';
import type { DeviceEvent } from '../core/device/device-event.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import type { DeviceWorkflowState } from './device.messages.js';
import { zeroTouchDeviceSignal, type ZeroTouchDeviceEvent } from './zero-touch.messages.js';

export async function tellZeroTouch(deviceId: string, event: DeviceEvent, state: DeviceWorkflowState) {
  let message: ZeroTouchDeviceEvent;
  if (event.kind === 'channel-ready' && event.data.awaitingConfiguration && !event.data.userChannel) {
    state.zeroTouchEnrollmentId = event.enrollmentId;
    message = { kind: 'awaiting-configuration', deviceId };
  } else if (event.kind === 'command-report' && state.zeroTouchEnrollmentId) {
    // Only what the enrollment reads: a result may hold secrets it has no use for.
    message = {
      kind: 'command-report',
      commandUuid: event.data.commandUuid,
      outcome: event.data.outcome,
    };
  } else {
    return;
  }
  try {
    await getExternalWorkflowHandle(workflowIds.zeroTouchEnrollment(state.zeroTouchEnrollmentId)).signal(
      zeroTouchDeviceSignal,
      message,
    );
  } catch {
    // No zero-touch enrollment (anymore): it finished, or the device was not enrolled through ADE.
    state.zeroTouchEnrollmentId = undefined;
  }
}
