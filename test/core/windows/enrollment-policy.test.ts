import { describe, expect, it } from 'vitest';
import {
  buildGetPoliciesResponse,
  decodeGetPoliciesRequest,
} from '../../../core/windows/enrollment-policy.js';
import { ACTION } from '../../../core/windows/soap-namespaces.js';
import { WindowsProtocolError } from '../../../core/windows/windows-protocol-error.js';
import { children, optionalText, parseXmlDocument, required } from '../../../core/windows/xml-document.js';
import { fixture } from './fixtures.js';

describe('decodeGetPoliciesRequest', () => {
  it('reads the user name and password of an OnPremise request, entities decoded', () => {
    expect(decodeGetPoliciesRequest(fixture('get-policies-on-premise.xml'))).toEqual({
      kind: 'get-policies',
      messageId: 'urn:uuid:0b7f3e52-8c1d-4e6a-b2f9-6d4c8a1e3f70',
      credential: { kind: 'username', username: 'ada@example.com', password: 'p&ss w<rd' },
    });
  });

  it('reads the token of a Federated request', () => {
    expect(decodeGetPoliciesRequest(fixture('get-policies-federated.xml')).credential).toEqual({
      kind: 'federated',
      token: 'ZmVkZXJhdGVkLXRva2Vu',
    });
  });

  it('keeps spaces in a password but not the line breaks around a pretty-printed one', () => {
    const spaced = fixture('get-policies-on-premise.xml').replace('p&amp;ss w&lt;rd<', ' pass word <');
    expect(decodeGetPoliciesRequest(spaced).credential).toMatchObject({ password: ' pass word ' });
    const pretty = fixture('get-policies-on-premise.xml').replace(
      'p&amp;ss w&lt;rd<',
      '\n          mypassword\n        <',
    );
    expect(decodeGetPoliciesRequest(pretty).credential).toMatchObject({ password: 'mypassword' });
  });

  it('refuses a request without a credential', () => {
    const body = fixture('get-policies-on-premise.xml').replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, '');
    expect(() => decodeGetPoliciesRequest(body)).toThrow(
      new WindowsProtocolError('missing-element', 'missing <wsse:Security>'),
    );
  });

  it('refuses a password that is not sent as text', () => {
    const body = fixture('get-policies-on-premise.xml').replace('#PasswordText', '#PasswordDigest');
    expect(() => decodeGetPoliciesRequest(body)).toThrow(expect.objectContaining({ code: 'invalid-value' }));
  });
});

describe('buildGetPoliciesResponse', () => {
  const response = {
    relatesTo: 'urn:uuid:0b7f',
    validityPeriodSeconds: 31536000,
    renewalPeriodSeconds: 2592000,
  };

  it('asks for an RSA key of at least 2048 bits and a SHA-256 hash', () => {
    const envelope = parseXmlDocument(buildGetPoliciesResponse(response));
    expect(optionalText(envelope, 'Header', 'Action')).toBe(ACTION.getPoliciesResponse);
    expect(optionalText(envelope, 'Header', 'RelatesTo')).toBe('urn:uuid:0b7f');
    const result = required(envelope, 'Body', 'GetPoliciesResponse');
    const attributes = required(result, 'response', 'policies', 'policy', 'attributes');
    expect(optionalText(attributes, 'policySchema')).toBe('3');
    expect(optionalText(attributes, 'privateKeyAttributes', 'minimalKeyLength')).toBe('2048');
    expect(optionalText(attributes, 'certificateValidity', 'validityPeriodSeconds')).toBe('31536000');
    const oids = children(required(result, 'oIDs'), 'oID').map((oid) => ({
      id: optionalText(oid, 'oIDReferenceID'),
      value: optionalText(oid, 'value'),
      group: optionalText(oid, 'group'),
    }));
    const hash = oids.find((oid) => oid.id === optionalText(attributes, 'hashAlgorithmOIDReference'));
    expect(hash).toEqual({ id: '0', value: '2.16.840.1.101.3.4.2.1', group: '1' });
    const key = oids.find(
      (oid) => oid.id === optionalText(attributes, 'privateKeyAttributes', 'algorithmOIDReference'),
    );
    expect(key).toEqual({ id: '1', value: '1.2.840.113549.1.1.1', group: '3' });
  });

  it('refuses a key length under 2048', () => {
    expect(() => buildGetPoliciesResponse({ ...response, minimalKeyLength: 1024 })).toThrow(TypeError);
    expect(buildGetPoliciesResponse({ ...response, minimalKeyLength: 4096 })).toContain(
      '<minimalKeyLength>4096</minimalKeyLength>',
    );
  });
});
