// Shapes of the admin API answers the console reads (the OpenAPI document at /openapi.json is the reference).

export interface Session {
  subject: string;
  roles: string[];
  permissions: string[];
  csrfToken: string;
  expiresAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface DeviceSummary {
  id: string;
  platform: string;
  name: string | null;
  model: string | null;
  osVersion: string | null;
  serialNumber: string | null;
  enrollmentStatus: string;
  lastSeenAt: string | null;
}

export interface DeviceDetail extends DeviceSummary {
  udid: string | null;
  enrollment: { id: string | null; status: string; enrolledAt: string | null };
  facts: Record<string, unknown>;
  pendingCommands: number;
}

export interface Command {
  commandUuid: string;
  requestType: string;
  status: string;
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
}

export type ComplianceStatus = 'compliant' | 'failing' | 'unknown' | 'not-applicable';

export interface PolicyCompliance {
  policyId: string;
  version: number;
  status: ComplianceStatus;
  settings: { setting: string; status: ComplianceStatus; reason: string | null; provenAt: string | null }[];
}

export interface Team {
  id: string;
  name: string;
}

export interface Policy {
  id: string;
  name: string;
  latestVersion: number;
}

export interface Rollout {
  id: string;
  policyId: string;
  fromVersion: number;
  toVersion: number;
  status: string;
  reason: string | null;
  currentWave: number;
  waveCount: number;
  createdAt: string;
  waves?: {
    wave: number;
    targeted: number;
    sent: number;
    acknowledged: number;
    verified: number;
    failed: number;
    notApplicable: number;
  }[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  targetKind: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

export interface EscrowedSecret {
  kind: string;
  version: number;
  escrowedAt: string;
  checkedAt: string | null;
  valid: boolean;
  checkError: string | null;
}

export interface RevealRequest {
  id: string;
  deviceId: string;
  kind: string;
  status: 'awaiting-approval' | 'approved' | 'revealed' | 'expired';
  requestedBy: string;
  approvedBy: string | null;
  expiresAt: string;
  reason: string;
  createdAt: string;
  revealedAt: string | null;
}
