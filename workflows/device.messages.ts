// The device workflow's signals and updates, declared beside it: the edge and the admin API use these.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeviceEvent } from '../core/device/device-event.js';

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
  enrollmentId?: string;
  enrolled: boolean;
  /** Commands queued whose outcome is not final yet. */
  pending: string[];
  /** Whether Keep queued its own inventory commands after the first TokenUpdate. */
  inventoryRequested: boolean;
}

export interface QueueCommandRequest {
  commandUuid: string;
  requestType: string;
  /** The command plist (UTF-8 XML) as built and validated by core/apple/commands. */
  plist: string;
  requestedBy: string;
  priority?: number;
}

export interface QueueCommandResult {
  commandUuid: string;
  status: 'queued';
  pushed: boolean;
}

export const deviceEventSignal = defineSignal<[DeviceEvent]>('deviceEvent');
export const queueCommandUpdate = defineUpdate<QueueCommandResult, [QueueCommandRequest]>('queueCommand');
/** Escrows (or, with no token, forgets) the device's bootstrap token (base64) in the core vault. */
export const setBootstrapTokenUpdate = defineUpdate<void, [{ token?: string }]>('setBootstrapToken');
/** Reads the escrowed bootstrap token (base64) back for the device; audited in the core. */
export const getBootstrapTokenUpdate = defineUpdate<{ token?: string }, []>('getBootstrapToken');
/** The workflow's own view: enrollment, enrolled, commands still waiting for an answer. */
export const deviceStateQuery = defineQuery<DeviceWorkflowState>('deviceState');
