import { describe, expect, it } from 'vitest';
import {
  buildSoapFault,
  SOAP_FAULT_SUBCODES,
  type SoapFaultCode,
} from '../../../core/windows/soap-envelope.js';
import { ACTION } from '../../../core/windows/soap-namespaces.js';
import { optionalText, parseXmlDocument, required } from '../../../core/windows/xml-document.js';

describe('buildSoapFault', () => {
  it.each(Object.keys(SOAP_FAULT_SUBCODES) as SoapFaultCode[])('names the MS-MDE2 subcode %s', (code) => {
    const fault = required(parseXmlDocument(buildSoapFault({ code, reason: 'No.' })), 'Body', 'Fault');
    expect(optionalText(fault, 'Code', 'Value')).toBe('s:Receiver');
    expect(optionalText(fault, 'Code', 'Subcode', 'Value')).toBe(SOAP_FAULT_SUBCODES[code]);
  });

  it('uses the MS-MDE2 spelling of the subcodes', () => {
    expect(Object.values(SOAP_FAULT_SUBCODES)).toEqual([
      's:MessageFormat',
      's:Authentication',
      's:Authorization',
      's:CertificateRequest',
      's:EnrollmentServer',
      's:InternalServiceFault',
      'a:InvalidSecurity',
    ]);
  });

  it('carries the reason escaped, the action and the request it relates to', () => {
    const envelope = parseXmlDocument(
      buildSoapFault({
        code: 'Authorization',
        reason: 'User <ada> & co. may not enroll',
        relatesTo: 'urn:uuid:1',
        action: ACTION.requestSecurityTokenResponse,
      }),
    );
    expect(optionalText(envelope, 'Body', 'Fault', 'Reason', 'Text')).toBe('User <ada> & co. may not enroll');
    expect(optionalText(envelope, 'Header', 'Action')).toBe(ACTION.requestSecurityTokenResponse);
    expect(optionalText(envelope, 'Header', 'RelatesTo')).toBe('urn:uuid:1');
  });

  it("uses WS-Addressing's fault action when the operation is unknown", () => {
    const envelope = parseXmlDocument(
      buildSoapFault({ code: 'MessageFormat', reason: 'missing <s:Header>' }),
    );
    expect(optionalText(envelope, 'Header', 'Action')).toBe(ACTION.fault);
  });
});
