// How the Windows enrolment endpoints answer: SOAP with an explicit Content-Length (the enrolment client
// mishandles chunked answers), and faults whose HTTP status says whose fault it was.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { buildSoapFault, type SoapFault, type SoapFaultCode } from '../../core/windows/index.js';

const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

export function soapAnswer(c: Context, text: string, status: ContentfulStatusCode = 200): Response {
  const body = Buffer.from(text, 'utf8');
  return c.body(body, status, {
    'Content-Type': SOAP_CONTENT_TYPE,
    'Content-Length': String(body.length),
  });
}

const FAULT_STATUS: Record<SoapFaultCode, ContentfulStatusCode> = {
  MessageFormat: 400,
  Authentication: 401,
  Authorization: 403,
  CertificateRequest: 400,
  InvalidSecurity: 400,
  EnrollmentServer: 503,
  InternalServiceFault: 500,
};

export function soapFault(c: Context, fault: SoapFault): Response {
  return soapAnswer(c, buildSoapFault(fault), FAULT_STATUS[fault.code]);
}
