// What an admin's command request proves and how it is compared: the same fields, the payload by its SHA-256.
import { createHash } from 'node:crypto';
import type { DeviceCommand } from './device-command.js';

/** A command as an admin asked for it, for one device. */
export interface AdminCommandClaim extends DeviceCommand {
  deviceId: string;
  requestedBy: string;
}

export const payloadSha256 = (payload: string) => createHash('sha256').update(payload, 'utf8').digest('hex');

/** The first field where a recorded request and a claim differ, or undefined when they match. */
export function claimMismatch(
  recorded: { device_id: string | null; request_type: string; payload_sha256: string; requested_by: string },
  claim: AdminCommandClaim,
): string | undefined {
  if (recorded.device_id !== claim.deviceId) return 'device';
  if (recorded.request_type !== claim.requestType) return 'requestType';
  if (recorded.payload_sha256 !== payloadSha256(claim.payload)) return 'payload';
  if (recorded.requested_by !== claim.requestedBy) return 'requestedBy';
  return undefined;
}

/** An action an admin asked of a workflow other than a device's command (a rollout's pause, …); used once. */
export interface AdminActionClaim {
  requestId: string;
  /** `<target kind>.<verb>`, e.g. `rollout.pause`. */
  action: string;
  targetKind: string;
  targetId: string;
  requestedBy: string;
}

/** The first field where a recorded request and an action claim differ, or undefined when they match. */
export function actionMismatch(
  recorded: {
    request_type: string;
    target_kind: string | null;
    target_id: string | null;
    requested_by: string;
  },
  claim: AdminActionClaim,
): string | undefined {
  if (recorded.target_kind !== claim.targetKind || recorded.target_id !== claim.targetId) return 'target';
  if (recorded.request_type !== claim.action) return 'action';
  if (recorded.requested_by !== claim.requestedBy) return 'requestedBy';
  return undefined;
}
