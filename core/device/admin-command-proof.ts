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
  recorded: { device_id: string; request_type: string; payload_sha256: string; requested_by: string },
  claim: AdminCommandClaim,
): string | undefined {
  if (recorded.device_id !== claim.deviceId) return 'device';
  if (recorded.request_type !== claim.requestType) return 'requestType';
  if (recorded.payload_sha256 !== payloadSha256(claim.payload)) return 'payload';
  if (recorded.requested_by !== claim.requestedBy) return 'requestedBy';
  return undefined;
}
