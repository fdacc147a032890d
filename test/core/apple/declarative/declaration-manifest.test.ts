import { describe, expect, it } from 'vitest';
import {
  buildDeclarationItemsResponse,
  buildTokensResponse,
  declarationAt,
  declarationClass,
  declarationDocument,
  serverToken,
  type Declaration,
} from '../../../../core/apple/declarative/index.js';
import { loadAppleSchema, validateAgainstSchema } from '../../../../core/apple/schemas/apple-schema.js';

const passcode: Declaration = {
  type: 'com.apple.configuration.passcode.settings',
  identifier: 'keep.passcode',
  payload: {
    RequirePasscode: true,
    MinimumLength: 8,
    CustomRegex: { Regex: '^.{8,}$', Description: { en: 'Eight' } },
  },
};
const activation: Declaration = {
  type: 'com.apple.activation.simple',
  identifier: 'keep.activation',
  payload: { StandardConfigurations: ['keep.passcode'] },
};
const declarations = [passcode, activation];

describe('declaration manifest', () => {
  it('builds a declaration that validates against declarationbase.yaml and its own schema', () => {
    const doc = declarationDocument(passcode);
    expect(
      validateAgainstSchema(loadAppleSchema('declarative/declarations/declarationbase.yaml'), doc),
    ).toEqual([]);
    const own = loadAppleSchema('declarative/declarations/configurations/passcode.settings.yaml');
    expect(own.payload.declarationtype).toBe(passcode.type);
    expect(validateAgainstSchema(own, doc.Payload)).toEqual([]);
    expect(validateAgainstSchema(own, { ...passcode.payload, MinimumLength: 'eight' })).toEqual([
      expect.objectContaining({ path: 'MinimumLength', kind: 'type' }),
    ]);
  });

  it('derives a stable ServerToken that ignores key order and changes with content', () => {
    const reordered: Declaration = {
      ...passcode,
      payload: { MinimumLength: 8, RequirePasscode: true, CustomRegex: passcode.payload.CustomRegex! },
    };
    expect(serverToken(reordered)).toBe(serverToken(passcode));
    expect(serverToken({ ...passcode, payload: { ...passcode.payload, MinimumLength: 9 } })).not.toBe(
      serverToken(passcode),
    );
    expect(serverToken({ ...passcode, identifier: 'other' })).not.toBe(serverToken(passcode));
  });

  it('lists declarations by class, valid per declarationitemsresponse.yaml', () => {
    const response = buildDeclarationItemsResponse(declarations);
    expect(response.Declarations).toEqual({
      Activations: [{ Identifier: 'keep.activation', ServerToken: serverToken(activation) }],
      Assets: [],
      Configurations: [{ Identifier: 'keep.passcode', ServerToken: serverToken(passcode) }],
      Management: [],
    });
    expect(
      validateAgainstSchema(loadAppleSchema('declarative/protocol/declarationitemsresponse.yaml'), response),
    ).toEqual([]);
  });

  it('gives the same DeclarationsToken in both responses, independent of order, changing with content', () => {
    const items = buildDeclarationItemsResponse(declarations);
    const tokens = buildTokensResponse([activation, passcode], new Date('2024-05-01T10:20:30.456Z'));
    expect(tokens).toEqual({
      SyncTokens: { DeclarationsToken: items.DeclarationsToken, Timestamp: '2024-05-01T10:20:30Z' },
    });
    expect(
      validateAgainstSchema(loadAppleSchema('declarative/protocol/tokensresponse.yaml'), tokens),
    ).toEqual([]);
    expect(buildTokensResponse([passcode], new Date()).SyncTokens).not.toMatchObject({
      DeclarationsToken: items.DeclarationsToken,
    });
  });

  it('rejects unknown declaration classes and duplicate identifiers', () => {
    expect(() => declarationClass('com.example.thing')).toThrow(TypeError);
    expect(declarationClass('com.apple.management.properties')).toBe('Management');
    expect(() => buildDeclarationItemsResponse([passcode, passcode])).toThrow(/duplicate/);
  });

  it('finds a declaration by the class segment and escaped identifier a device fetches it under', () => {
    const odd: Declaration = { ...passcode, identifier: 'keep.policy.a b/c' };
    expect(declarationAt('declaration/configuration/keep.passcode', declarations)).toBe(passcode);
    expect(declarationAt('declaration/activation/keep.activation', declarations)).toBe(activation);
    expect(declarationAt(`declaration/configuration/${encodeURIComponent(odd.identifier)}`, [odd])).toBe(odd);
  });

  it('finds nothing under the wrong class, an unknown identifier or a malformed endpoint', () => {
    expect(declarationAt('declaration/asset/keep.passcode', declarations)).toBeUndefined();
    expect(declarationAt('declaration/configuration/keep.other', declarations)).toBeUndefined();
    expect(declarationAt('declaration/configuration/%E0%A4%A', declarations)).toBeUndefined();
    expect(declarationAt('declarations', declarations)).toBeUndefined();
  });
});
