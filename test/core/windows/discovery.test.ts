import { describe, expect, it } from 'vitest';
import { buildDiscoverResponse, decodeDiscoverRequest } from '../../../core/windows/discovery.js';
import { ACTION, NS } from '../../../core/windows/soap-namespaces.js';
import { WindowsProtocolError } from '../../../core/windows/windows-protocol-error.js';
import { child, optionalText, parseXmlDocument, required } from '../../../core/windows/xml-document.js';
import { fixture } from './fixtures.js';

const request = fixture('discover-request.xml');

describe('decodeDiscoverRequest', () => {
  it('reads a Windows 11 Discover request', () => {
    expect(decodeDiscoverRequest(request)).toEqual({
      kind: 'discover',
      messageId: 'urn:uuid:5b1d6ca7-0d2e-4c8f-9a43-1e3f2a7b9c10',
      requestVersion: '6.0',
      emailAddress: 'ada@example.com',
      deviceType: 'CIMClient_Windows',
      applicationVersion: '10.0.22631.4460',
      osEdition: 48,
      authPolicies: ['OnPremise', 'Federated'],
    });
  });

  it.each(['1.0', '3.0', '4.0', '5.0', '6.0', '7.5'])('accepts RequestVersion %s', (version) => {
    const body = request.replace('<RequestVersion>6.0<', `<RequestVersion>${version}<`);
    expect(decodeDiscoverRequest(body).requestVersion).toBe(version);
  });

  it('skips authentication policies it does not know', () => {
    const body = request.replace('<AuthPolicy>Federated</AuthPolicy>', '<AuthPolicy>Quantum</AuthPolicy>');
    expect(decodeDiscoverRequest(body).authPolicies).toEqual(['OnPremise']);
  });

  it('refuses a message for another operation', () => {
    const body = request.replace('IDiscoveryService/Discover<', 'IDiscoveryService/Other<');
    expect(() => decodeDiscoverRequest(body)).toThrow(
      expect.objectContaining({
        code: 'unexpected-message',
        message: `<a:Action> is not ${ACTION.discover}`,
      }),
    );
  });

  it('names the missing or invalid element', () => {
    expect(() => decodeDiscoverRequest(request.replace(/<a:MessageID>.*<\/a:MessageID>/, ''))).toThrow(
      new WindowsProtocolError('missing-element', 'missing <a:MessageID>'),
    );
    expect(() =>
      decodeDiscoverRequest(request.replace('<RequestVersion>6.0<', '<RequestVersion>six<')),
    ).toThrow(new WindowsProtocolError('invalid-value', '<RequestVersion> is not a decimal version'));
    expect(() => decodeDiscoverRequest(request.replace(/<s:Body>[\s\S]*<\/s:Body>/, '<s:Body/>'))).toThrow(
      WindowsProtocolError,
    );
  });

  it('refuses a SOAP 1.1 envelope', () => {
    const soap11 = request.replace(
      'http://www.w3.org/2003/05/soap-envelope',
      'http://schemas.xmlsoap.org/soap/envelope/',
    );
    expect(() => decodeDiscoverRequest(soap11)).toThrow(
      expect.objectContaining({ code: 'unexpected-message' }),
    );
  });
});

describe('buildDiscoverResponse', () => {
  const urls = {
    enrollmentPolicyServiceUrl: 'https://mdm.example.com/EnrollmentServer/Policy.svc',
    enrollmentServiceUrl: 'https://mdm.example.com/EnrollmentServer/Enrollment.svc?a=1&b=2',
  };

  it('answers with the auth policy, the service URLs and the request it relates to', () => {
    const envelope = parseXmlDocument(
      buildDiscoverResponse({ relatesTo: 'urn:uuid:5b1d6ca7', authPolicy: 'OnPremise', ...urls }),
    );
    expect(optionalText(envelope, 'Header', 'Action')).toBe(ACTION.discoverResponse);
    expect(optionalText(envelope, 'Header', 'RelatesTo')).toBe('urn:uuid:5b1d6ca7');
    const result = required(envelope, 'Body', 'DiscoverResponse', 'DiscoverResult');
    expect(required(envelope, 'Body', 'DiscoverResponse').ns).toBe(NS.discovery);
    expect(optionalText(result, 'AuthPolicy')).toBe('OnPremise');
    expect(optionalText(result, 'EnrollmentVersion')).toBe('4.0');
    expect(optionalText(result, 'EnrollmentPolicyServiceUrl')).toBe(urls.enrollmentPolicyServiceUrl);
    expect(optionalText(result, 'EnrollmentServiceUrl')).toBe(urls.enrollmentServiceUrl);
    expect(child(result, 'AuthenticationServiceUrl')).toBeUndefined();
  });

  it('requires the authentication service URL for Federated enrollment', () => {
    expect(() => buildDiscoverResponse({ relatesTo: 'x', authPolicy: 'Federated', ...urls })).toThrow(
      TypeError,
    );
    const xml = buildDiscoverResponse({
      relatesTo: 'x',
      authPolicy: 'Federated',
      authenticationServiceUrl: 'https://mdm.example.com/windows/sign-in',
      ...urls,
    });
    expect(xml).toContain(
      '<AuthenticationServiceUrl>https://mdm.example.com/windows/sign-in</AuthenticationServiceUrl>',
    );
  });
});
