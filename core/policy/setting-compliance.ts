// One setting's compliance on one device, as every platform's compliance reader reports it.
import type { ComplianceStatus } from '../db/core/policy.table.js';

export interface SettingCompliance {
  setting: string;
  status: ComplianceStatus;
  reason?: string;
  /** The time of the device answer that proves the status. */
  provenAt?: Date;
}

const SEVERITY: Record<ComplianceStatus, number> = {
  failing: 3,
  unknown: 2,
  'not-applicable': 1,
  compliant: 0,
};

/** A setting held by several parts (profiles, declarations, CSP nodes) is as good as the worst of them. */
export function worstCompliance(parts: SettingCompliance[]): SettingCompliance {
  return parts.reduce((a, b) => (SEVERITY[b.status] > SEVERITY[a.status] ? b : a));
}
