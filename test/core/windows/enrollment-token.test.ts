import { describe, expect, it } from 'vitest';
import {
  buildRequestSecurityTokenResponse,
  decodeRequestSecurityToken,
} from '../../../core/windows/enrollment-token.js';
import { ACTION, TOKEN_TYPE } from '../../../core/windows/soap-namespaces.js';
import { attribute, optionalText, parseXmlDocument, required } from '../../../core/windows/xml-document.js';
import { fixture, fixtureBytes } from './fixtures.js';

const request = fixture('request-security-token.xml');

describe('decodeRequestSecurityToken', () => {
  it('reads the credential, the PKCS#10 and the additional context', () => {
    const decoded = decodeRequestSecurityToken(request);
    expect(decoded.messageId).toBe('urn:uuid:9e2c4b71-3f5a-4d8e-a6b0-2c7f1d9e4a83');
    expect(decoded.credential).toEqual({
      kind: 'username',
      username: 'ada@example.com',
      password: 'correct horse',
    });
    expect(decoded.csrDer).toEqual(fixtureBytes('request-security-token.csr.der'));
    expect(decoded.context.get('DeviceID')).toEqual(['AB157C3A18778F4FB21E2739066C1F27']);
    expect(decoded.context.get('EnrollmentType')).toEqual(['Full']);
    expect(decoded.context.get('MAC')).toEqual(['00-15-5D-01-02-03', '00-15-5D-01-02-04']);
  });

  it('refuses a token that is not a PKCS#10', () => {
    const body = request.replace('enrollment#PKCS10', 'enrollment#PKCS7');
    expect(() => decodeRequestSecurityToken(body)).toThrow(
      expect.objectContaining({
        code: 'invalid-value',
        message: '<wsse:BinarySecurityToken> ValueType is not PKCS10',
      }),
    );
  });

  it('refuses a certificate request that is not base64', () => {
    const body = request.replace(/(#base64binary">)\s*MII/, '$1*MII');
    expect(() => decodeRequestSecurityToken(body)).toThrow(
      expect.objectContaining({ code: 'invalid-value' }),
    );
  });

  it('refuses a request for anything but a new DeviceEnrollmentToken', () => {
    expect(() => decodeRequestSecurityToken(request.replace('200512/Issue', '200512/Renew'))).toThrow(
      expect.objectContaining({ message: '<wst:RequestType> is not Issue' }),
    );
  });
});

describe('buildRequestSecurityTokenResponse', () => {
  it('carries the provisioning document base64 in a DeviceEnrollmentProvisionDoc token', () => {
    const provisioningDoc =
      '<wap-provisioningdoc version="1.1"><characteristic type="é"/></wap-provisioningdoc>';
    const envelope = parseXmlDocument(
      buildRequestSecurityTokenResponse({ relatesTo: 'urn:uuid:9e2c', provisioningDoc }),
    );
    expect(optionalText(envelope, 'Header', 'Action')).toBe(ACTION.requestSecurityTokenResponse);
    expect(optionalText(envelope, 'Header', 'RelatesTo')).toBe('urn:uuid:9e2c');
    const response = required(
      envelope,
      'Body',
      'RequestSecurityTokenResponseCollection',
      'RequestSecurityTokenResponse',
    );
    expect(optionalText(response, 'TokenType')).toBe(TOKEN_TYPE.deviceEnrollmentToken);
    const token = required(response, 'RequestedSecurityToken', 'BinarySecurityToken');
    expect(attribute(token, 'ValueType')).toBe(TOKEN_TYPE.provisionDoc);
    expect(attribute(token, 'EncodingType')).toBe(TOKEN_TYPE.base64);
    expect(Buffer.from(token.text, 'base64').toString('utf8')).toBe(provisioningDoc);
  });
});
