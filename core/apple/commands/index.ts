// MDM commands: the one command table, the command plists built from it, and the results Keep reads.
export type * from './command-types.js';
export { appleCommands, isRequestType, type AppleCommand, type ResultPath } from './command-table.js';
export { buildCommand, buildRawCommand, serializeCommand } from './build-command.js';
export { InvalidCommandError } from './command-error.js';
export { decodeDeviceInformation, type DeviceInformationFacts } from './device-information.js';
export { decodeSecurityInfo, type SecurityInfoFacts, type FileVaultFacts } from './security-info.js';
export {
  holdsSecretResult,
  redactSecrets,
  REDACTED,
  SECRET_RESULT_KEYS,
  type RedactedResult,
} from './secret-results.js';
export { appleResultFacts } from './result-facts.js';
export { isUserEnrollment, userEnrollmentRefusal, type UserEnrollmentTarget } from './user-enrollment.js';
