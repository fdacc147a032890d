// The device workflow's signals and updates, declared beside it: the edge and the admin API use these.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeviceCommand } from '../core/device/device-command.js';
import type { ReceivedDeviceEvent } from '../core/device/received-device-event.js';
import type { DevicePolicyState } from './device-policy.messages.js';

export interface DeviceWorkflowInput {
  deviceId: string;
  /** The edge task queue that holds this device's command queue and sends its pushes. */
  edgeTaskQueue: string;
  /** Carried across continue-as-new. */
  state?: DeviceWorkflowState;
  /** Continue-as-new once history passes this many events (default 2,000; tests set it low). */
  maxHistoryEvents?: number;
}

export interface DeviceWorkflowState {
  /** The device's platform, from its first event (absent in state carried from before events had one: Apple). */
  platform?: string;
  enrollmentId?: string;
  enrolled: boolean;
  /** Commands queued whose outcome is not final yet. */
  pending: string[];
  /** Whether Keep queued its own inventory commands after the first TokenUpdate. */
  inventoryRequested: boolean;
  /** Policy reconciliation (workflows/device-policy.ts); absent in state from before policies. */
  policy?: DevicePolicyState;
}

/** A command built and validated by its platform (Apple: core/apple/commands), for the device's edge to send. */
export interface QueueCommandRequest extends DeviceCommand {
  requestedBy: string;
  priority?: number;
}

export interface QueueCommandResult {
  commandUuid: string;
  status: 'queued';
  pushed: boolean;
}

/** Neutral events; the Apple-only shape of earlier edges is still accepted (normalised on receipt). */
export const deviceEventSignal = defineSignal<[ReceivedDeviceEvent]>('deviceEvent');
export const queueCommandUpdate = defineUpdate<QueueCommandResult, [QueueCommandRequest]>('queueCommand');
/** Escrows (or, with no token, forgets) the device's bootstrap token (base64) in the core vault. */
export const setBootstrapTokenUpdate = defineUpdate<void, [{ token?: string }]>('setBootstrapToken');
/** Reads the escrowed bootstrap token (base64) back for the device; audited in the core. */
export const getBootstrapTokenUpdate = defineUpdate<{ token?: string }, []>('getBootstrapToken');
/** The workflow's own view: enrollment, enrolled, commands still waiting for an answer. */
export const deviceStateQuery = defineQuery<DeviceWorkflowState>('deviceState');
