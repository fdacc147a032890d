// The Apple policy translator: declarations, profiles and commands from a platform-neutral policy.
export * from './apple-target.js';
export * from './apple-translation-error.js';
export { buildPolicyProfile, LEGACY_DECLARATION } from './policy-profile.js';
export { translatePolicy } from './translate-policy.js';
export { appleTargetOf, type AppleDeviceRecord } from './device-target.js';
export { applePolicyCompliance, type SettingCompliance, type ProfileState } from './policy-compliance.js';
export { reportedProfileIdentifiers } from './profile-verification.js';
export { declarationProblems } from './validate-translation.js';
export {
  declarationDrift,
  reportedDeclarations,
  type ReportedDeclarations,
} from './declaration-verification.js';
export { takesDeclarativeManagement } from './apple-support.js';
export {
  appCompliance,
  reportedApps,
  verifyApps,
  type InstalledApps,
  type PolicyCommandState,
} from './app-verification.js';
