// Decodes a parsed check-in plist into a CheckinMessage, one decoder per MessageType.
import type { PlistDict } from '../plist-codec.js';
import { MdmMessageError, optional, required } from '../plist-fields.js';
import {
  decodeEnrollmentRef,
  decodeUserChannel,
  type EnrollmentRef,
  type UserChannel,
} from '../message-identity.js';
import type { CheckinMessage, CheckinMessageType } from './checkin-message.js';

type Decoder<T extends CheckinMessageType> = (dict: PlistDict) => Extract<CheckinMessage, { messageType: T }>;

/** The table: a new MessageType is added here and nowhere else in this file. */
const decoders: { [T in CheckinMessageType]: Decoder<T> } = {
  Authenticate: (d) => ({
    messageType: 'Authenticate',
    ...base(d, 'Authenticate'),
    topic: required(d, 'Topic', 'string', 'Authenticate'),
    deviceName: optional(d, 'DeviceName', 'string'),
    model: optional(d, 'Model', 'string'),
    modelName: optional(d, 'ModelName', 'string'),
    osVersion: optional(d, 'OSVersion', 'string'),
    buildVersion: optional(d, 'BuildVersion', 'string'),
    productName: optional(d, 'ProductName', 'string'),
    serialNumber: optional(d, 'SerialNumber', 'string'),
    imei: optional(d, 'IMEI', 'string'),
    meid: optional(d, 'MEID', 'string'),
  }),
  TokenUpdate: (d) => ({
    messageType: 'TokenUpdate',
    ...base(d, 'TokenUpdate'),
    topic: required(d, 'Topic', 'string', 'TokenUpdate'),
    token: requiredData(d, 'Token', 'TokenUpdate'),
    pushMagic: required(d, 'PushMagic', 'string', 'TokenUpdate'),
    unlockToken: optional(d, 'UnlockToken', 'data'),
    awaitingConfiguration: optional(d, 'AwaitingConfiguration', 'boolean') ?? false,
    notOnConsole: optional(d, 'NotOnConsole', 'boolean'),
  }),
  CheckOut: (d) => ({
    messageType: 'CheckOut',
    ...base(d, 'CheckOut'),
    topic: required(d, 'Topic', 'string', 'CheckOut'),
  }),
  UserAuthenticate: (d) => {
    const { enrollment, user, topic } = base(d, 'UserAuthenticate');
    if (!enrollment.udid) required(d, 'UDID', 'string', 'UserAuthenticate');
    const userId = required(d, 'UserID', 'string', 'UserAuthenticate');
    return {
      messageType: 'UserAuthenticate',
      enrollment,
      topic,
      user: { ...user, userId },
      digestResponse: optional(d, 'DigestResponse', 'string'),
    };
  },
  SetBootstrapToken: (d) => {
    const token = optional(d, 'BootstrapToken', 'data');
    return {
      messageType: 'SetBootstrapToken',
      ...base(d, 'SetBootstrapToken'),
      bootstrapToken: token && token.byteLength > 0 ? token : undefined,
      awaitingConfiguration: optional(d, 'AwaitingConfiguration', 'boolean') ?? false,
    };
  },
  GetBootstrapToken: (d) => ({
    messageType: 'GetBootstrapToken',
    ...base(d, 'GetBootstrapToken'),
    awaitingConfiguration: optional(d, 'AwaitingConfiguration', 'boolean') ?? false,
  }),
  DeclarativeManagement: (d) => ({
    messageType: 'DeclarativeManagement',
    ...base(d, 'DeclarativeManagement'),
    endpoint: required(d, 'Endpoint', 'string', 'DeclarativeManagement'),
    data: optional(d, 'Data', 'data'),
  }),
  GetToken: (d) => {
    const params = optional(d, 'TokenParameters', 'dictionary');
    return {
      messageType: 'GetToken',
      ...base(d, 'GetToken'),
      tokenServiceType: required(d, 'TokenServiceType', 'string', 'GetToken'),
      tokenParameters: params && {
        securityToken: optional(params, 'SecurityToken', 'string'),
        phoneUdid: optional(params, 'PhoneUDID', 'string'),
        watchUdid: optional(params, 'WatchUDID', 'string'),
      },
    };
  },
};

function isCheckinMessageType(value: string): value is CheckinMessageType {
  return Object.hasOwn(decoders, value);
}

/** Decodes a check-in body already parsed by parsePlistDict. Throws MdmMessageError naming the bad key. */
export function decodeCheckin(dict: PlistDict): CheckinMessage {
  const type = required(dict, 'MessageType', 'string', 'check-in message');
  if (!isCheckinMessageType(type)) {
    throw new MdmMessageError(
      'unknown-type',
      `unknown check-in MessageType ${JSON.stringify(type)}`,
      'MessageType',
    );
  }
  return decoders[type](dict);
}

function base(
  d: PlistDict,
  context: string,
): { enrollment: EnrollmentRef; user?: UserChannel; topic?: string } {
  return {
    enrollment: decodeEnrollmentRef(d, context),
    user: decodeUserChannel(d, context),
    topic: optional(d, 'Topic', 'string'),
  };
}

function requiredData(d: PlistDict, key: string, context: string): Uint8Array {
  const value = required(d, key, 'data', context);
  if (value.byteLength === 0) throw new MdmMessageError('missing-key', `${context} has an empty ${key}`, key);
  return value;
}
