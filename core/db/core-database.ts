// Every table of the "core" schema, the on-premises inventory of record.
import type { BootstrapTokenTable } from './core/bootstrap-token.table.js';
import type { CaKeyTable } from './core/ca-key.table.js';
import type { CertificateTable } from './core/certificate.table.js';
import type { CrlStateTable } from './core/crl-state.table.js';
import type { DeviceCommandTable } from './core/device-command.table.js';
import type { DeviceTable } from './core/device.table.js';
import type { ScepChallengeTable } from './core/scep-challenge.table.js';
import type { ApiTokenTable } from './core/api-token.table.js';
import type { AuditLogTable } from './core/audit-log.table.js';
import type { PushCertificateTable } from './core/push-certificate.table.js';
import type { PlaneCheckTable } from './plane-check.table.js';
import type { DirectoryUserTable } from './core/directory-user.table.js';
import type { DirectoryGroupTable } from './core/directory-group.table.js';
import type { DirectoryMembershipTable } from './core/directory-membership.table.js';
import type { DeviceTeamTable, TeamTable } from './core/team.table.js';
import type { DeviceLabelTable } from './core/device-label.table.js';
import type { RoleGrantTable } from './core/role-grant.table.js';
import type {
  AdminBootstrapTokenTable,
  AdminOidcLoginTable,
  AdminSessionTable,
} from './core/admin-session.table.js';
import type { DirectorySyncStateTable } from './core/directory-sync-state.table.js';
import type { DirectoryChangeTable } from './core/directory-change.table.js';
import type { BulkCommandTable, BulkCommandTargetTable } from './core/bulk-command.table.js';
import type { DeviceEventTable } from './core/device-event.table.js';
import type { DepServerTable } from './core/dep-server.table.js';
import type { DepDeviceTable } from './core/dep-device.table.js';
import type { ZeroTouchEnrollmentTable } from './core/zero-touch-enrollment.table.js';
import type { OnboardingRequestTable } from './core/onboarding-request.table.js';
import type { AdminCommandRequestTable } from './core/admin-command-request.table.js';
import type { CommandIdempotencyKeyTable } from './core/command-idempotency-key.table.js';
import type { ScepTransactionTable } from './core/scep-transaction.table.js';
import type { WindowsSignInTable } from './core/windows-sign-in.table.js';
import type { BitLockerUnmatchedTable } from './core/bitlocker-unmatched.table.js';
import type { AppleSignInTable } from './core/apple-sign-in.table.js';
import type {
  DevicePolicyComplianceTable,
  DevicePolicyProfileTable,
  DevicePolicyTable,
  PolicyAssignmentTable,
  PolicyTable,
  PolicyVersionTable,
} from './core/policy.table.js';
import type { RolloutDeviceTable, RolloutTable } from './core/rollout.table.js';
import type { DevicePolicyCommandTable } from './core/device-policy-command.table.js';
import type { VaultSecretTable } from './core/vault-secret.table.js';
import type { SecretRevealRequestTable } from './core/secret-reveal-request.table.js';
import type { IdentityRenewalTable } from './core/identity-renewal.table.js';

export interface CoreDatabase {
  plane_checks: PlaneCheckTable;
  devices: DeviceTable;
  device_commands: DeviceCommandTable;
  bootstrap_tokens: BootstrapTokenTable;
  ca_keys: CaKeyTable;
  certificates: CertificateTable;
  scep_challenges: ScepChallengeTable;
  crl_state: CrlStateTable;
  api_tokens: ApiTokenTable;
  audit_log: AuditLogTable;
  push_certificates: PushCertificateTable;
  directory_users: DirectoryUserTable;
  directory_groups: DirectoryGroupTable;
  directory_memberships: DirectoryMembershipTable;
  teams: TeamTable;
  device_teams: DeviceTeamTable;
  role_grants: RoleGrantTable;
  admin_sessions: AdminSessionTable;
  admin_oidc_logins: AdminOidcLoginTable;
  admin_bootstrap_token: AdminBootstrapTokenTable;
  directory_sync_state: DirectorySyncStateTable;
  directory_changes: DirectoryChangeTable;
  bulk_commands: BulkCommandTable;
  bulk_command_targets: BulkCommandTargetTable;
  device_events: DeviceEventTable;
  dep_servers: DepServerTable;
  dep_devices: DepDeviceTable;
  zero_touch_enrollments: ZeroTouchEnrollmentTable;
  onboarding_requests: OnboardingRequestTable;
  admin_command_requests: AdminCommandRequestTable;
  scep_transactions: ScepTransactionTable;
  policies: PolicyTable;
  policy_versions: PolicyVersionTable;
  policy_assignments: PolicyAssignmentTable;
  device_policies: DevicePolicyTable;
  device_policy_profiles: DevicePolicyProfileTable;
  device_policy_compliance: DevicePolicyComplianceTable;
  rollouts: RolloutTable;
  rollout_devices: RolloutDeviceTable;
  device_policy_commands: DevicePolicyCommandTable;
  command_idempotency_keys: CommandIdempotencyKeyTable;
  vault_secrets: VaultSecretTable;
  secret_reveal_requests: SecretRevealRequestTable;
  identity_renewals: IdentityRenewalTable;
  windows_sign_ins: WindowsSignInTable;
  apple_sign_ins: AppleSignInTable;
  device_labels: DeviceLabelTable;
  bitlocker_unmatched: BitLockerUnmatchedTable;
}
