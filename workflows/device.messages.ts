// The device workflow's signals and updates, declared beside it: the edge and the admin API use these.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BoxRecipient } from '../core/crypto/sealed-box.js';
import type { DeviceCommand } from '../core/device/device-command.js';
import type { SignedDeviceRequest } from '../core/device/signed-device-request.js';
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
  /** Whether Keep queued its own inventory commands after the first TokenUpdate. */
  inventoryRequested: boolean;
  /** Set while a zero-touch enrollment (`zero-touch-<id>`) waits on this device (workflows/zero-touch-hook.ts). */
  zeroTouchEnrollmentId?: string | undefined;
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

/**
 * The events that need a decision (sent by the device-events workflow); every event, in runs from before bulk
 * ingest. The Apple-only shape of earlier edges is still accepted (normalised on receipt).
 */
export const deviceEventSignal = defineSignal<[ReceivedDeviceEvent]>('deviceEvent');
export const queueCommandUpdate = defineUpdate<QueueCommandResult, [QueueCommandRequest]>('queueCommand');
/**
 * Escrows (or, with no token, forgets) the device's bootstrap token in the core vault: sealed by the edge to the
 * core's sealing key (core/crypto/core-sealing-key.ts), so neither the history nor the edge can read it back.
 */
export const setBootstrapTokenUpdate = defineUpdate<void, [{ sealedToken?: string }]>('setBootstrapToken');
/**
 * Reads the escrowed bootstrap token back for the device: only with the device's own signed GetBootstrapToken;
 * audited in the core with the signer's fingerprint; the answer is sealed to `replyTo`.
 */
export const getBootstrapTokenUpdate = defineUpdate<
  { sealedToken?: string },
  [{ replyTo: BoxRecipient; signed: SignedDeviceRequest }]
>('getBootstrapToken');
/** The workflow's own view: enrollment, enrolled, commands still waiting for an answer. */
export const deviceStateQuery = defineQuery<DeviceWorkflowState>('deviceState');
/**
 * The edge task queue that holds the device's command queue: a command Keep seals for the device (a secret
 * rotation's) must be sealed to that edge's key, which in a fleet of several edges is not the first one's.
 */
export const deviceEdgeQuery = defineQuery<string>('deviceEdge');
