// Policies and their versions, assignments to targets, and each device's desired set, installed profiles and compliance.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { PolicyPlatform } from '../../policy/policy.schema.js';

export interface PolicyTable {
  id: Generated<string>;
  /** The document's `name`: unique, and part of every identifier Keep installs for it. */
  name: string;
  latest_version: number;
  /** The version devices hold when no rollout released another to them; null: the latest. */
  released_version: ColumnType<number | null, number | null | undefined, number | null>;
  /** Deleted: withdrawn from every device and left out of the list; null while it exists. */
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Generated<Date>;
}

/** Every version is kept: a device's desired state names a version, and two versions can be diffed. */
export interface PolicyVersionTable {
  policy_id: string;
  version: number;
  document: ColumnType<Record<string, unknown>, string, never>;
  content_hash: string;
  created_by: string;
  created_at: Generated<Date>;
}

/** A device matches when it meets every filter set (an unset one matches all). */
export interface PolicyAssignmentTable {
  id: Generated<string>;
  policy_id: string;
  team_id: string | null;
  platforms: PolicyPlatform[] | null;
  min_os_version: string | null;
  max_os_version: string | null;
  /** Only devices carrying this label. */
  label: string | null;
  created_by: string;
  created_at: Generated<Date>;
}

export interface DevicePolicyTable {
  device_id: string;
  policy_id: string;
  /** Null: withdrawn; the device's profiles for it are still to be removed. */
  version: number | null;
  /** The recomputation that last changed the row: the fan-out pages through its devices by it. */
  fanout_id: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** `sent`: InstallProfile queued; `installed`: seen in ProfileList; `missing`: was installed, now gone (drift). */
export type PolicyProfileStatus = 'sent' | 'installed' | 'missing' | 'failed';

export interface DevicePolicyProfileTable {
  device_id: string;
  identifier: string;
  policy_id: string;
  setting: string;
  content_hash: string;
  status: PolicyProfileStatus;
  sent_at: Date;
  verified_at: Date | null;
}

export type ComplianceStatus = 'compliant' | 'failing' | 'unknown' | 'not-applicable';

export interface DevicePolicyComplianceTable {
  device_id: string;
  policy_id: string;
  version: number;
  /** A top-level setting (`firewall`) or a field the device cannot take (`restrictions.allowAppStore`). */
  setting: string;
  status: ComplianceStatus;
  reason: string | null;
  /** When the device's own answer last proved this status; null while unproven. */
  proven_at: Date | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type PolicyRow = Selectable<PolicyTable>;
export type PolicyVersionRow = Selectable<PolicyVersionTable>;
export type PolicyAssignmentRow = Selectable<PolicyAssignmentTable>;
export type DevicePolicyProfileRow = Selectable<DevicePolicyProfileTable>;
export type DevicePolicyComplianceRow = Selectable<DevicePolicyComplianceTable>;
