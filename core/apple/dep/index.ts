// What core/apple/dep offers: Apple Business Manager (DEP) wire types, server-token import and OAuth1 signing.
export { DepError } from './dep-error.js';
export type { DepErrorCode } from './dep-error.js';
export { parseServerToken } from './server-token.js';
export type { ServerToken } from './server-token.js';
export { createTokenKeyPair } from './token-key-pair.js';
export type { TokenKeyPair } from './token-key-pair.js';
export {
  authorizationHeader,
  parseAuthorizationHeader,
  signatureBaseString,
  hmacSha1Signature,
} from './oauth1.js';
export type { OAuth1Credentials, OAuth1Nonce } from './oauth1.js';
export { appleErrorCode, classifyFailure, parseRetryAfter } from './dep-response.js';
export type { DepFailure } from './dep-response.js';
export { buildEnrollmentProfile } from './dep-profile.js';
export { parseTeamRules, teamsFor } from './team-rules.js';
export type { TeamRules } from './team-rules.js';
export type { EnrollmentProfileInput } from './dep-profile.js';
export * from './dep-types.js';
