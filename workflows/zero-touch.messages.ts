// What a device workflow tells its zero-touch enrollment, and what the enrollment shows: declared beside it.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CommandOutcome } from '../core/device/device-event.js';
import type { ZeroTouchStatus } from '../core/db/core/zero-touch-enrollment.table.js';

/**
 * A nudge, not the record: the enrollment reads where the baseline stands from the core DB, which the
 * device-event ingest has written before any device workflow is woken.
 */
export type ZeroTouchDeviceEvent =
  | { kind: 'awaiting-configuration'; deviceId: string }
  | { kind: 'command-report'; commandUuid: string; outcome: CommandOutcome };

export const zeroTouchDeviceSignal = defineSignal<[ZeroTouchDeviceEvent]>('zeroTouchDevice');
export const zeroTouchStateQuery = defineQuery<{ status: ZeroTouchStatus; reason?: string }>(
  'zeroTouchState',
);
