// The Apple policy translator: declarations, profiles and commands from a platform-neutral policy.
export * from './apple-target.js';
export * from './apple-translation-error.js';
export { buildPolicyProfile, LEGACY_DECLARATION } from './policy-profile.js';
export { translatePolicy } from './translate-policy.js';
