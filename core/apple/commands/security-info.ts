// Reads the facts Keep keeps from a SecurityInfo result: FileVault, passcode, SIP, firewall, management.
// https://developer.apple.com/documentation/devicemanagement/securityinforesponse
import type { PlistDict } from '../plist-codec.js';
import { optional, required } from '../plist-fields.js';

export interface FileVaultFacts {
  enabled?: boolean;
  hasPersonalRecoveryKey?: boolean;
  hasInstitutionalRecoveryKey?: boolean;
  /** The personal recovery key, CMS-encrypted by the device to the escrow certificate: ciphertext only. */
  personalRecoveryKeyCms?: Uint8Array;
  personalRecoveryKeyDeviceKey?: string;
}

export interface SecurityInfoFacts {
  fileVault: FileVaultFacts;
  hardwareEncryptionCaps?: number;
  passcodePresent?: boolean;
  passcodeCompliant?: boolean;
  passcodeCompliantWithProfiles?: boolean;
  systemIntegrityProtectionEnabled?: boolean;
  firewall?: { enabled?: boolean; blockAllIncoming?: boolean; stealthMode?: boolean };
  management?: { enrolledViaDep?: boolean; userApprovedEnrollment?: boolean; isUserEnrollment?: boolean };
  secureBootLevel?: string;
  bootstrapTokenAllowedForAuthentication?: string;
  isRecoveryLockEnabled?: boolean;
  raw: PlistDict;
}

/** `result` is the `result` of an Acknowledged CommandReport. */
export function decodeSecurityInfo(result: PlistDict): SecurityInfoFacts {
  const s = required(result, 'SecurityInfo', 'dictionary', 'SecurityInfo result');
  const firewall = optional(s, 'FirewallSettings', 'dictionary');
  const management = optional(s, 'ManagementStatus', 'dictionary');
  const secureBoot = optional(s, 'SecureBoot', 'dictionary');
  return {
    fileVault: {
      enabled: optional(s, 'FDE_Enabled', 'boolean'),
      hasPersonalRecoveryKey: optional(s, 'FDE_HasPersonalRecoveryKey', 'boolean'),
      hasInstitutionalRecoveryKey: optional(s, 'FDE_HasInstitutionalRecoveryKey', 'boolean'),
      personalRecoveryKeyCms: optional(s, 'FDE_PersonalRecoveryKeyCMS', 'data'),
      personalRecoveryKeyDeviceKey: optional(s, 'FDE_PersonalRecoveryKeyDeviceKey', 'string'),
    },
    hardwareEncryptionCaps: optional(s, 'HardwareEncryptionCaps', 'integer'),
    passcodePresent: optional(s, 'PasscodePresent', 'boolean'),
    passcodeCompliant: optional(s, 'PasscodeCompliant', 'boolean'),
    passcodeCompliantWithProfiles: optional(s, 'PasscodeCompliantWithProfiles', 'boolean'),
    systemIntegrityProtectionEnabled: optional(s, 'SystemIntegrityProtectionEnabled', 'boolean'),
    firewall: firewall && {
      enabled: optional(firewall, 'FirewallEnabled', 'boolean'),
      blockAllIncoming: optional(firewall, 'BlockAllIncoming', 'boolean'),
      stealthMode: optional(firewall, 'StealthMode', 'boolean'),
    },
    management: management && {
      enrolledViaDep: optional(management, 'EnrolledViaDEP', 'boolean'),
      userApprovedEnrollment: optional(management, 'UserApprovedEnrollment', 'boolean'),
      isUserEnrollment: optional(management, 'IsUserEnrollment', 'boolean'),
    },
    secureBootLevel: secureBoot && optional(secureBoot, 'SecureBootLevel', 'string'),
    bootstrapTokenAllowedForAuthentication: optional(s, 'BootstrapTokenAllowedForAuthentication', 'string'),
    isRecoveryLockEnabled: optional(s, 'IsRecoveryLockEnabled', 'boolean'),
    raw: s,
  };
}
