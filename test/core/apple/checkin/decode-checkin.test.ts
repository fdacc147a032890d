import { describe, expect, it } from 'vitest';
import type { CheckinMessage } from '../../../../core/apple/checkin/index.js';
import { decodeCheckin } from '../../../../core/apple/checkin/index.js';
import { parsePlistDict, type PlistDict } from '../../../../core/apple/plist-codec.js';
import { MdmMessageError } from '../../../../core/apple/plist-fields.js';
import { loadAppleSchema, validateAgainstSchema } from '../../../../core/apple/schemas/apple-schema.js';
import { AUTHENTICATE_XML } from '../fixtures.js';

const UDID = '0000FE00-1234-5678-9ABC-DEF012345678';
const TOPIC = 'com.apple.mgmt.External.0f4a5a7c';

function errorOf(dict: PlistDict): MdmMessageError {
  try {
    decodeCheckin(dict);
  } catch (error) {
    if (error instanceof MdmMessageError) return error;
    throw error;
  }
  throw new Error('expected decodeCheckin to throw');
}

/** The dispatch every caller writes: it stops compiling when a MessageType is added without a case. */
function handlerFor(message: CheckinMessage): string {
  switch (message.messageType) {
    case 'Authenticate':
    case 'TokenUpdate':
    case 'CheckOut':
    case 'UserAuthenticate':
    case 'SetBootstrapToken':
    case 'GetBootstrapToken':
    case 'DeclarativeManagement':
    case 'GetToken':
      return message.messageType;
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
}

const samples: Record<CheckinMessage['messageType'], PlistDict> = {
  Authenticate: parsePlistDict(AUTHENTICATE_XML),
  TokenUpdate: {
    MessageType: 'TokenUpdate',
    Topic: TOPIC,
    UDID,
    Token: new Uint8Array(32).fill(7),
    PushMagic: '6F3C1E2A-0000-4000-8000-000000000001',
    UnlockToken: new Uint8Array([1, 2, 3]),
    AwaitingConfiguration: true,
  },
  CheckOut: { MessageType: 'CheckOut', Topic: TOPIC, UDID },
  UserAuthenticate: {
    MessageType: 'UserAuthenticate',
    UDID,
    UserID: 'A1B2',
    UserShortName: 'ada',
    UserLongName: 'Ada L',
  },
  SetBootstrapToken: {
    MessageType: 'SetBootstrapToken',
    Topic: TOPIC,
    UDID,
    BootstrapToken: new Uint8Array([9, 9]),
  },
  GetBootstrapToken: { MessageType: 'GetBootstrapToken', Topic: TOPIC, UDID, AwaitingConfiguration: false },
  DeclarativeManagement: {
    MessageType: 'DeclarativeManagement',
    UDID,
    Endpoint: 'tokens',
    Data: new TextEncoder().encode('{}'),
  },
  GetToken: {
    MessageType: 'GetToken',
    UDID,
    TokenServiceType: 'com.apple.watch.pairing',
    TokenParameters: { SecurityToken: 's', PhoneUDID: 'p', WatchUDID: 'w' },
  },
};

const schemaFile: Record<CheckinMessage['messageType'], string> = {
  Authenticate: 'authenticate',
  TokenUpdate: 'tokenupdate',
  CheckOut: 'checkout',
  UserAuthenticate: 'userauthenticate',
  SetBootstrapToken: 'setbootstraptoken',
  GetBootstrapToken: 'getbootstraptoken',
  DeclarativeManagement: 'declarativemanagement',
  GetToken: 'gettoken',
};

describe('decodeCheckin', () => {
  it.each(Object.keys(samples) as CheckinMessage['messageType'][])('decodes %s by MessageType', (type) => {
    expect(handlerFor(decodeCheckin(samples[type]))).toBe(type);
  });

  it.each(Object.keys(samples) as CheckinMessage['messageType'][])(
    'uses a %s sample whose keys and types match Apple’s schema',
    (type) => {
      const schema = loadAppleSchema(`mdm/checkin/${schemaFile[type]}.yaml`);
      // Devices send UDID/Topic beside the keys some schemas list, and required-ness depends on the platform.
      const problems = validateAgainstSchema(schema, samples[type], { allowUnknownKeys: true }).filter(
        (p) => p.kind !== 'missing',
      );
      expect(problems).toEqual([]);
    },
  );

  it('decodes an Authenticate with device facts', () => {
    const message = decodeCheckin(samples.Authenticate);
    expect(message).toMatchObject({
      messageType: 'Authenticate',
      enrollment: { udid: UDID },
      serialNumber: 'C02XK0AAJGH5',
      model: 'Mac15,3',
      osVersion: '14.0',
    });
    expect(message.user).toBeUndefined();
  });

  it('decodes a TokenUpdate with token, push magic and unlock token', () => {
    const message = decodeCheckin(samples.TokenUpdate);
    if (message.messageType !== 'TokenUpdate') throw new Error('wrong type');
    expect(message.token).toHaveLength(32);
    expect(message.pushMagic).toBe('6F3C1E2A-0000-4000-8000-000000000001');
    expect(message.unlockToken).toEqual(new Uint8Array([1, 2, 3]));
    expect(message.awaitingConfiguration).toBe(true);
  });

  it('accepts a User Enrollment identified by EnrollmentID only', () => {
    const message = decodeCheckin({ MessageType: 'CheckOut', Topic: TOPIC, EnrollmentID: 'E-1' });
    expect(message.enrollment).toEqual({ udid: undefined, enrollmentId: 'E-1' });
  });

  it('reports the user channel for a macOS user TokenUpdate', () => {
    const message = decodeCheckin({
      ...samples.TokenUpdate,
      UserID: 'U-1',
      UserShortName: 'ada',
      UserLongName: 'Ada L',
    });
    expect(message.user).toEqual({
      userId: 'U-1',
      enrollmentUserId: undefined,
      userShortName: 'ada',
      userLongName: 'Ada L',
    });
  });

  it('treats an empty SetBootstrapToken as a request to forget the token', () => {
    const message = decodeCheckin({ ...samples.SetBootstrapToken, BootstrapToken: new Uint8Array(0) });
    expect(message).toMatchObject({ messageType: 'SetBootstrapToken', bootstrapToken: undefined });
  });

  it.each([
    ['Authenticate', 'Topic'],
    ['TokenUpdate', 'Token'],
    ['TokenUpdate', 'PushMagic'],
    ['TokenUpdate', 'Topic'],
    ['CheckOut', 'Topic'],
    ['UserAuthenticate', 'UserID'],
    ['DeclarativeManagement', 'Endpoint'],
    ['GetToken', 'TokenServiceType'],
  ] as const)('rejects a %s without %s, naming the key', (type, key) => {
    const { [key]: _removed, ...rest } = samples[type];
    const error = errorOf(rest);
    expect(error.code).toBe('missing-key');
    expect(error.key).toBe(key);
    expect(error.message).toContain(key);
  });

  it('rejects a message with neither UDID nor EnrollmentID', () => {
    const { UDID: _udid, ...rest } = samples.CheckOut;
    expect(errorOf(rest)).toMatchObject({ code: 'missing-key', key: 'UDID' });
    expect(errorOf(rest).message).toContain('UDID or EnrollmentID');
  });

  it('rejects a user-channel message that does not say which user', () => {
    expect(errorOf({ ...samples.TokenUpdate, UserShortName: 'ada' })).toMatchObject({
      code: 'missing-key',
      key: 'UserID',
    });
  });

  it('rejects a UserAuthenticate without UDID', () => {
    const { UDID: _udid, ...rest } = samples.UserAuthenticate;
    expect(errorOf({ ...rest, EnrollmentID: 'E' })).toMatchObject({ key: 'UDID' });
  });

  it('rejects an empty push token', () => {
    expect(errorOf({ ...samples.TokenUpdate, Token: new Uint8Array(0) })).toMatchObject({ key: 'Token' });
  });

  it('rejects a field of the wrong type', () => {
    expect(errorOf({ ...samples.TokenUpdate, Token: 'base64?' })).toMatchObject({
      code: 'wrong-type',
      key: 'Token',
    });
  });

  it('rejects an unknown MessageType with a typed error', () => {
    expect(errorOf({ MessageType: 'Bogus', UDID })).toMatchObject({
      code: 'unknown-type',
      key: 'MessageType',
    });
    expect(errorOf({ MessageType: 'toString', UDID })).toMatchObject({ code: 'unknown-type' });
    expect(errorOf({ UDID })).toMatchObject({ code: 'missing-key', key: 'MessageType' });
  });
});
