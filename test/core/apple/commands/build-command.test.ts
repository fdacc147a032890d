import { describe, expect, it } from 'vitest';
import {
  buildCommand,
  buildRawCommand,
  InvalidCommandError,
  serializeCommand,
  type CommandSpec,
} from '../../../../core/apple/commands/index.js';
import { parsePlistDict } from '../../../../core/apple/plist-codec.js';
import { loadAppleSchema, validateCommand } from '../../../../core/apple/schemas/apple-schema.js';
import { COMMAND_SCHEMA_FILES } from '../../../support/apple-command-schemas.js';

const schemaFile = COMMAND_SCHEMA_FILES;

const specs: CommandSpec[] = [
  { requestType: 'DeviceInformation', queries: ['UDID', 'SerialNumber', 'OSVersion', 'DeviceName'] },
  { requestType: 'SecurityInfo' },
  { requestType: 'ProfileList', managedOnly: true },
  { requestType: 'InstallProfile', payload: new TextEncoder().encode('<plist/>') },
  { requestType: 'RemoveProfile', identifier: 'com.example.wifi' },
  { requestType: 'InstalledApplicationList', identifiers: ['com.apple.Safari'], managedAppsOnly: false },
  { requestType: 'CertificateList', managedOnly: false },
  { requestType: 'DeviceLock', pin: '123456', message: 'Return to IT' },
  { requestType: 'EraseDevice', pin: '654321', obliterationBehavior: 'DoNotObliterate' },
  {
    requestType: 'RotateFileVaultKey',
    keyType: 'personal',
    fileVaultUnlock: { password: 'old-key' },
    replyEncryptionCertificate: new Uint8Array([48, 0]),
  },
  { requestType: 'SetRecoveryLock', currentPassword: 'old-password', newPassword: 'new-password' },
  { requestType: 'VerifyRecoveryLock', password: 'new-password' },
  {
    requestType: 'AccountConfiguration',
    skipPrimarySetupAccountCreation: false,
    autoSetupAdminAccounts: [
      { shortName: 'keepadmin', fullName: 'Keep Admin', passwordHash: new Uint8Array([1, 2]), hidden: true },
    ],
  },
  {
    requestType: 'SetAutoAdminPassword',
    guid: '5A6F1F7C-2B3D-4E5F-8A9B-0C1D2E3F4A5B',
    passwordHash: new Uint8Array([1, 2]),
  },
  { requestType: 'DeclarativeManagement', data: new TextEncoder().encode('{"SyncTokens":{}}') },
  { requestType: 'RestartDevice', notifyUser: true },
  { requestType: 'ShutDownDevice' },
  { requestType: 'DeviceConfigured' },
];

describe('buildCommand', () => {
  it('has a test spec for every RequestType in the table', () => {
    expect(new Set(specs.map((s) => s.requestType))).toEqual(new Set(Object.keys(schemaFile)));
  });

  it.each(specs.map((s) => [s.requestType, s] as const))(
    'builds %s valid per its schema, through XML',
    (type, spec) => {
      const command = buildCommand(spec, 'A0B1C2D3-0000-4000-8000-000000000000');
      const roundTripped = parsePlistDict(serializeCommand(command));
      expect(roundTripped.Command).toMatchObject({ RequestType: type });
      expect(validateCommand(loadAppleSchema(`mdm/commands/${schemaFile[type]}.yaml`), roundTripped)).toEqual(
        [],
      );
    },
  );

  it('maps typed parameters to Apple keys', () => {
    expect(buildCommand({ requestType: 'DeviceLock', pin: '123456', message: 'hi' }, 'U').Command).toEqual({
      RequestType: 'DeviceLock',
      PIN: '123456',
      Message: 'hi',
    });
  });

  it('generates a fresh CommandUUID when none is given', () => {
    const a = buildCommand({ requestType: 'SecurityInfo' });
    const b = buildCommand({ requestType: 'SecurityInfo' });
    expect(a.CommandUUID).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.CommandUUID).not.toBe(b.CommandUUID);
  });

  it('rejects invalid parameters', () => {
    expect(() => buildCommand({ requestType: 'DeviceLock', pin: '12' })).toThrow(InvalidCommandError);
    expect(() => buildCommand({ requestType: 'DeviceInformation', queries: [] })).toThrow(/query/);
    expect(() => buildCommand({ requestType: 'RemoveProfile', identifier: '' })).toThrow(/Identifier/);
    expect(() => buildCommand({ requestType: 'Nope' } as unknown as CommandSpec)).toThrow(
      /unknown RequestType/,
    );
  });
});

describe('buildRawCommand', () => {
  it('wraps a raw dictionary and validates against its schema', () => {
    const command = buildRawCommand({ RequestType: 'RemoveProfile', Identifier: 'x' }, 'U-1');
    expect(command).toEqual({
      CommandUUID: 'U-1',
      Command: { RequestType: 'RemoveProfile', Identifier: 'x' },
    });
    expect(validateCommand(loadAppleSchema('mdm/commands/profile.remove.yaml'), command)).toEqual([]);
  });

  it('requires a RequestType string', () => {
    expect(() => buildRawCommand({ Identifier: 'x' })).toThrow(/RequestType/);
    expect(() => buildRawCommand({ RequestType: 3 })).toThrow(InvalidCommandError);
    expect(() => buildRawCommand(['RequestType'])).toThrow(/dictionary/);
  });

  it('rejects values a plist cannot carry and prototype keys', () => {
    expect(() => buildRawCommand({ RequestType: 'X', Bad: undefined })).toThrow(/Command.Bad/);
    expect(() => buildRawCommand({ RequestType: 'X', N: Number.NaN })).toThrow(/finite/);
    expect(() => buildRawCommand(JSON.parse('{"RequestType":"X","A":{"__proto__":{"p":1}}}'))).toThrow(
      /__proto__/,
    );
  });
});
