import { describe, expect, it } from 'vitest';
import {
  buildGetBootstrapTokenResponse,
  buildGetTokenResponse,
  buildUserAuthenticateResponse,
} from '../../../../core/apple/checkin/index.js';
import { parsePlistDict } from '../../../../core/apple/plist-codec.js';
import { loadAppleSchema, validateAgainstSchema } from '../../../../core/apple/schemas/apple-schema.js';

describe('check-in responses', () => {
  it('returns the escrowed bootstrap token as data, valid per getbootstraptoken.yaml', () => {
    const body = parsePlistDict(buildGetBootstrapTokenResponse(new Uint8Array([1, 2, 3])));
    expect(body).toEqual({ BootstrapToken: new Uint8Array([1, 2, 3]) });
    const schema = loadAppleSchema('mdm/checkin/getbootstraptoken.yaml');
    expect(validateAgainstSchema(schema, body, { section: 'responsekeys' })).toEqual([]);
  });

  it('returns an empty dictionary when no bootstrap token is escrowed', () => {
    expect(parsePlistDict(buildGetBootstrapTokenResponse())).toEqual({});
  });

  it('builds the two UserAuthenticate rounds', () => {
    expect(parsePlistDict(buildUserAuthenticateResponse({ digestChallenge: '' }))).toEqual({
      DigestChallenge: '',
    });
    expect(parsePlistDict(buildUserAuthenticateResponse({ authToken: 'tok' }))).toEqual({ AuthToken: 'tok' });
  });

  it('encodes a string token as UTF-8 data, valid per gettoken.yaml', () => {
    const body = parsePlistDict(buildGetTokenResponse('héllo'));
    expect(new TextDecoder().decode(body.TokenData as Uint8Array)).toBe('héllo');
    const schema = loadAppleSchema('mdm/checkin/gettoken.yaml');
    expect(validateAgainstSchema(schema, body, { section: 'responsekeys' })).toEqual([]);
  });
});
