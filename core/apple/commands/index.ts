// MDM commands: build the command plists Keep sends and read the results it uses.
export type * from './command-types.js';
export { buildCommand, buildRawCommand, serializeCommand, InvalidCommandError } from './build-command.js';
export { decodeDeviceInformation, type DeviceInformationFacts } from './device-information.js';
export { decodeSecurityInfo, type SecurityInfoFacts, type FileVaultFacts } from './security-info.js';
export { redactSecrets, REDACTED, SECRET_RESULT_KEYS, type RedactedResult } from './secret-results.js';
