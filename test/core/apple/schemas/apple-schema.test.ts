import { describe, expect, it } from 'vitest';
import {
  loadAppleSchema,
  validateAgainstSchema,
  validateCommand,
  validateProfile,
  validateProfilePayload,
} from '../../../../core/apple/schemas/apple-schema.js';

describe('Apple schema validator', () => {
  const tokenUpdate = loadAppleSchema('mdm/checkin/tokenupdate.yaml');
  const validTokenUpdate = {
    MessageType: 'TokenUpdate',
    Topic: 'com.apple.mgmt.External.x',
    UDID: 'UDID-1',
    Token: new Uint8Array([1, 2]),
    PushMagic: 'magic',
  };

  it('accepts an iOS device-channel TokenUpdate', () => {
    expect(
      validateAgainstSchema(tokenUpdate, validTokenUpdate, {
        os: 'iOS',
        channel: 'device',
        userEnrollment: false,
      }),
    ).toEqual([]);
  });

  it('reports a missing required key with its path', () => {
    const { PushMagic: _, ...missing } = validTokenUpdate;
    const problems = validateAgainstSchema(tokenUpdate, missing, {
      os: 'iOS',
      channel: 'device',
      userEnrollment: false,
    });
    expect(problems).toEqual([expect.objectContaining({ path: 'PushMagic', kind: 'missing' })]);
  });

  it('demands every required key when no platform context is given', () => {
    const problems = validateAgainstSchema(tokenUpdate, validTokenUpdate);
    expect(problems.map((p) => p.path)).toContain('UserLongName');
  });

  it('reports a wrong type', () => {
    const problems = validateAgainstSchema(
      tokenUpdate,
      { ...validTokenUpdate, Token: 'not data' },
      { os: 'iOS', channel: 'device', userEnrollment: false },
    );
    expect(problems).toEqual([expect.objectContaining({ path: 'Token', kind: 'type' })]);
  });

  it('reports a value outside the rangelist', () => {
    const problems = validateAgainstSchema(
      tokenUpdate,
      { ...validTokenUpdate, MessageType: 'Authenticate' },
      { os: 'iOS', channel: 'device', userEnrollment: false },
    );
    expect(problems).toEqual([expect.objectContaining({ path: 'MessageType', kind: 'range' })]);
  });

  it('reports unknown keys unless told to allow them', () => {
    const value = { ...validTokenUpdate, Surprise: true };
    const options = { os: 'iOS', channel: 'device', userEnrollment: false } as const;
    expect(validateAgainstSchema(tokenUpdate, value, options)).toEqual([
      expect.objectContaining({ path: 'Surprise', kind: 'unknown' }),
    ]);
    expect(validateAgainstSchema(tokenUpdate, value, { ...options, allowUnknownKeys: true })).toEqual([]);
  });

  it('checks nested dictionaries inside arrays with indexed paths', () => {
    const schema = loadAppleSchema('mdm/commands/certificate.list.yaml');
    const problems = validateAgainstSchema(
      schema,
      {
        CertificateList: [
          { CommonName: 'a', IsIdentity: true, Data: new Uint8Array(1) },
          { CommonName: 'b', IsIdentity: 'yes' },
        ],
      },
      { section: 'responsekeys' },
    );
    expect(problems.map((p) => `${p.kind}:${p.path}`).sort()).toEqual([
      'missing:CertificateList[1].Data',
      'type:CertificateList[1].IsIdentity',
    ]);
  });

  it('checks the command envelope and RequestType', () => {
    const schema = loadAppleSchema('mdm/commands/profile.remove.yaml');
    expect(
      validateCommand(schema, {
        CommandUUID: 'u',
        Command: { RequestType: 'RemoveProfile', Identifier: 'x' },
      }),
    ).toEqual([]);
    expect(
      validateCommand(schema, { Command: { RequestType: 'InstallProfile' } }).map((p) => p.path),
    ).toEqual(['CommandUUID', 'Command.RequestType', 'Command.Identifier']);
  });

  it('checks string formats and payload types inside a profile', () => {
    const problems = validateProfile({
      PayloadType: 'Configuration',
      PayloadVersion: 1,
      PayloadIdentifier: 'p',
      PayloadUUID: 'u',
      PayloadContent: [
        {
          PayloadType: 'com.apple.mdm',
          PayloadVersion: 1,
          PayloadIdentifier: 'p.mdm',
          PayloadUUID: 'u2',
          IdentityCertificateUUID: 'not-a-uuid',
          Topic: 't',
          ServerURL: 'http://insecure',
        },
      ],
    });
    expect(problems.map((p) => `${p.kind}:${p.path}`).sort()).toEqual([
      'format:PayloadContent[0].IdentityCertificateUUID',
      'format:PayloadContent[0].ServerURL',
    ]);
  });

  it('parses each schema once and serves it from the cache after', () => {
    expect(loadAppleSchema('mdm/commands/device.lock.yaml')).toBe(
      loadAppleSchema('mdm/commands/device.lock.yaml'),
    );
  });

  it('reports a number outside Apple’s range', () => {
    const schema = loadAppleSchema('declarative/declarations/configurations/passcode.settings.yaml');
    expect(validateAgainstSchema(schema, { MinimumLength: 17 })).toEqual([
      expect.objectContaining({ path: 'MinimumLength', kind: 'range' }),
    ]);
    expect(validateAgainstSchema(schema, { MinimumLength: 16 })).toEqual([]);
  });

  it('accepts a payload type whose shapes Apple splits over several files', () => {
    const common = {
      PayloadType: 'com.apple.MCX',
      PayloadVersion: 1,
      PayloadIdentifier: 'p',
      PayloadUUID: 'u',
    };
    expect(validateProfilePayload({ ...common, dontAllowFDEDisable: true })).toEqual([]);
    expect(validateProfilePayload({ ...common, dontAllowFDEDisable: 'yes' })).toEqual([
      expect.objectContaining({ path: 'dontAllowFDEDisable', kind: 'type' }),
    ]);
  });
});
