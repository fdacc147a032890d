// One command sent to many devices with one admin call (POST /v1/commands), and what became of each target.
import type { ColumnType, Generated, Selectable } from 'kysely';

export interface BulkCommandTable {
  id: string;
  /** The admin subject who asked; with `idempotency_key`, unique. */
  requested_by: string;
  idempotency_key: string;
  /** SHA-256 of the request as sent (hex): the same key for another request is a conflict, not a retry. */
  request_digest: string;
  platform: string;
  request_type: string;
  /** The command built once around `placeholder_uuid` (core/device/command-template.ts), read by the fan-out. */
  payload: string;
  placeholder_uuid: string;
  /** When the fan-out workflow had handed every target to its edge (or refused it). */
  finished_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Generated<Date>;
}

/**
 * Why a target got no command: not a device Keep knows, outside the caller's scope, not enrolled, of another
 * platform than the command's, not enrolled at any edge the core serves, or a device that cannot take this command
 * (a device-wide command to a User Enrollment; `detail` says why).
 */
export type BulkTargetRefusal =
  'unknown' | 'out-of-scope' | 'not-enrolled' | 'other-platform' | 'not-at-edge' | 'not-for-device';

export interface BulkCommandTargetTable {
  bulk_id: string;
  device_id: string;
  /** The device's own command (`device_commands.command_uuid`); null when refused before it had one. */
  command_uuid: string | null;
  /** `pending` until the fan-out hands it to the device's edge. */
  state: 'pending' | 'queued' | 'refused';
  reason: BulkTargetRefusal | null;
  /** The platform's own words for a `not-for-device` target; null otherwise. */
  detail: ColumnType<string | null, string | null | undefined, string | null>;
}

export type BulkCommand = Selectable<BulkCommandTable>;
export type BulkCommandTarget = Selectable<BulkCommandTargetTable>;
