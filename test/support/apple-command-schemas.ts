// The schema file (mdm/commands/<name>.yaml) of each command Keep builds, for tests that validate them.
import type { RequestType } from '../../core/apple/commands/index.js';

export const COMMAND_SCHEMA_FILES: Record<RequestType, string> = {
  DeviceInformation: 'information.device',
  SecurityInfo: 'information.security',
  ProfileList: 'profile.list',
  InstallProfile: 'profile.install',
  RemoveProfile: 'profile.remove',
  InstalledApplicationList: 'application.installed.list',
  CertificateList: 'certificate.list',
  DeviceLock: 'device.lock',
  EraseDevice: 'device.erase',
  RotateFileVaultKey: 'rotate.file.vault.key',
  SetRecoveryLock: 'passcode.recovery.set',
  VerifyRecoveryLock: 'passcode.recovery.verify',
  AccountConfiguration: 'account.configuration',
  SetAutoAdminPassword: 'set.auto.admin.password',
  DeclarativeManagement: 'declarativemanagement',
  RestartDevice: 'device.restart',
  ShutDownDevice: 'device.shutdown',
  DeviceConfigured: 'device.configured',
};
