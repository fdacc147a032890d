// What a device workflow tells its zero-touch enrollment, and what the enrollment shows: declared beside it.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CommandOutcome } from '../core/device/device-event.js';
import type { ZeroTouchStatus } from '../core/db/core/zero-touch-enrollment.table.js';

/** `pending`: the device workflow's commands still without a final answer once this event was handled. */
export type ZeroTouchDeviceEvent =
  | { kind: 'awaiting-configuration'; deviceId: string; pending: number }
  | { kind: 'command-report'; commandUuid: string; outcome: CommandOutcome; pending: number };

export const zeroTouchDeviceSignal = defineSignal<[ZeroTouchDeviceEvent]>('zeroTouchDevice');
export const zeroTouchStateQuery = defineQuery<{ status: ZeroTouchStatus; reason?: string }>(
  'zeroTouchState',
);
