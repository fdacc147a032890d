// Test helper: checks what the simulator sends against Apple's schemas for its platform and channel.
import type { RequestType } from '../../../core/apple/commands/index.js';
import type { PlistDict } from '../../../core/apple/plist-codec.js';
import {
  loadAppleSchema,
  validateAgainstSchema,
  type SchemaProblem,
} from '../../../core/apple/schemas/apple-schema.js';
import { COMMAND_SCHEMA_FILES } from '../../support/apple-command-schemas.js';
import type { DeviceKind } from './device-state.js';

const COMMAND_SCHEMAS = COMMAND_SCHEMA_FILES;

const ENVELOPE = new Set(['Status', 'CommandUUID', 'UDID', 'ErrorChain']);

/**
 * Apple's schemas for these check-ins list no UDID, yet every device message names its enrollment
 * (and Keep's decoder requires it), so UDID alone is tolerated there.
 */
const UDID_UNLISTED = new Set(['SetBootstrapToken', 'GetBootstrapToken']);

function context(kind: DeviceKind) {
  return { os: kind === 'mac' ? 'macOS' : 'iOS', channel: 'device', userEnrollment: false } as const;
}

export function checkinProblems(dict: PlistDict, kind: DeviceKind): SchemaProblem[] {
  const type = typeof dict.MessageType === 'string' ? dict.MessageType : '';
  const problems = validateAgainstSchema(
    loadAppleSchema(`mdm/checkin/${type.toLowerCase()}.yaml`),
    dict,
    context(kind),
  );
  return problems.filter((p) => !(p.kind === 'unknown' && p.path === 'UDID' && UDID_UNLISTED.has(type)));
}

/** Validates the result keys of a command report (everything beside the envelope) as response keys. */
export function resultProblems(
  requestType: RequestType,
  report: PlistDict,
  kind: DeviceKind,
): SchemaProblem[] {
  const result: PlistDict = {};
  for (const [key, value] of Object.entries(report)) if (!ENVELOPE.has(key)) result[key] = value;
  const schema = loadAppleSchema(`mdm/commands/${COMMAND_SCHEMAS[requestType]}.yaml`);
  return validateAgainstSchema(schema, result, { ...context(kind), section: 'responsekeys' });
}

export const REQUEST_TYPES = Object.keys(COMMAND_SCHEMAS) as RequestType[];
