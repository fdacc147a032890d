// Decodes what a device sends to the ServerURL (connect endpoint): an Idle poll or a command result.
// https://developer.apple.com/documentation/devicemanagement/implementing-device-management/sending-mdm-commands-to-a-device
import { isPlistDict, type PlistDict } from './plist-codec.js';
import { MdmMessageError, optional, required } from './plist-fields.js';
import {
  decodeEnrollmentRef,
  decodeUserChannel,
  type EnrollmentRef,
  type UserChannel,
} from './message-identity.js';

/** https://developer.apple.com/documentation/devicemanagement/errorchainitem */
export interface ErrorChainItem {
  errorCode: number;
  errorDomain: string;
  localizedDescription?: string;
  usEnglishDescription?: string;
}

interface ReportBase {
  enrollment: EnrollmentRef;
  user?: UserChannel;
}

/** The device has nothing to report and asks for the next command. */
export interface IdleReport extends ReportBase {
  status: 'Idle';
}

export interface AcknowledgedReport extends ReportBase {
  status: 'Acknowledged';
  commandUuid: string;
  /** Command-specific result keys (QueryResponses, SecurityInfo, ProfileList, …), everything but the envelope. */
  result: PlistDict;
}

export interface ErrorReport extends ReportBase {
  status: 'Error' | 'CommandFormatError';
  commandUuid: string;
  errorChain: ErrorChainItem[];
  result: PlistDict;
}

/** The device cannot run the command now (e.g. locked); it will report again when it can. */
export interface NotNowReport extends ReportBase {
  status: 'NotNow';
  commandUuid: string;
}

export type CommandReport = IdleReport | AcknowledgedReport | ErrorReport | NotNowReport;
export type CommandStatus = CommandReport['status'];

const ENVELOPE_KEYS = new Set([
  'Status',
  'CommandUUID',
  'ErrorChain',
  'UDID',
  'EnrollmentID',
  'UserID',
  'EnrollmentUserID',
  'UserShortName',
  'UserLongName',
]);

export function decodeCommandReport(dict: PlistDict): CommandReport {
  const status = required(dict, 'Status', 'string', 'command report');
  const who: ReportBase = {
    enrollment: decodeEnrollmentRef(dict, 'command report'),
    user: decodeUserChannel(dict, 'command report'),
  };
  switch (status) {
    case 'Idle':
      return { status, ...who };
    case 'Acknowledged':
      return { status, ...who, commandUuid: commandUuid(dict), result: resultKeys(dict) };
    case 'Error':
    case 'CommandFormatError':
      return {
        status,
        ...who,
        commandUuid: commandUuid(dict),
        errorChain: errorChain(dict),
        result: resultKeys(dict),
      };
    case 'NotNow':
      return { status, ...who, commandUuid: commandUuid(dict) };
    default:
      throw new MdmMessageError(
        'invalid-value',
        `unknown command Status ${JSON.stringify(status)}`,
        'Status',
      );
  }
}

function commandUuid(dict: PlistDict): string {
  return required(dict, 'CommandUUID', 'string', 'command report');
}

function resultKeys(dict: PlistDict): PlistDict {
  const result: PlistDict = {};
  for (const [key, value] of Object.entries(dict)) if (!ENVELOPE_KEYS.has(key)) result[key] = value;
  return result;
}

function errorChain(dict: PlistDict): ErrorChainItem[] {
  const chain = optional(dict, 'ErrorChain', 'array') ?? [];
  return chain.map((item, i) => {
    if (!isPlistDict(item)) {
      throw new MdmMessageError('wrong-type', `ErrorChain[${i}] must be a dictionary`, 'ErrorChain');
    }
    const entry = item;
    return {
      errorCode: required(entry, 'ErrorCode', 'integer', `ErrorChain[${i}]`),
      errorDomain: required(entry, 'ErrorDomain', 'string', `ErrorChain[${i}]`),
      localizedDescription: optional(entry, 'LocalizedDescription', 'string'),
      usEnglishDescription: optional(entry, 'USEnglishDescription', 'string'),
    };
  });
}
