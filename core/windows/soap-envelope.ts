// Reads and writes the SOAP 1.2 / WS-Addressing envelope around every Windows enrollment message.
import { ACTION, NS } from './soap-namespaces.js';
import { WindowsProtocolError } from './windows-protocol-error.js';
import { child, parseXmlDocument, type XmlElement, type XmlParseOptions } from './xml-document.js';
import { xml, type XmlFragment } from './xml-template.js';

export interface SoapRequest {
  readonly action: string;
  /** WS-Addressing MessageID, echoed as RelatesTo in the answer. */
  readonly messageId: string;
  readonly header: XmlElement;
  /** The one element inside <s:Body>. */
  readonly body: XmlElement;
}

/** Parses a SOAP request and checks that its action is the one the endpoint serves. */
export function decodeSoapRequest(
  input: string | Uint8Array,
  expectedAction: string,
  options?: XmlParseOptions,
): SoapRequest {
  const envelope = parseXmlDocument(input, options);
  if (envelope.local !== 'Envelope' || envelope.ns !== NS.soap) {
    throw new WindowsProtocolError('unexpected-message', 'root element is not a SOAP 1.2 <s:Envelope>');
  }
  const header = child(envelope, 'Header', NS.soap);
  if (!header) throw new WindowsProtocolError('missing-element', 'missing <s:Header>');
  const action = child(header, 'Action', NS.addressing)?.text.trim();
  if (!action) throw new WindowsProtocolError('missing-element', 'missing <a:Action>');
  if (action !== expectedAction) {
    throw new WindowsProtocolError('unexpected-message', `<a:Action> is not ${expectedAction}`);
  }
  const messageId = child(header, 'MessageID', NS.addressing)?.text.trim();
  if (!messageId) throw new WindowsProtocolError('missing-element', 'missing <a:MessageID>');
  const bodyElement = child(envelope, 'Body', NS.soap);
  if (!bodyElement) throw new WindowsProtocolError('missing-element', 'missing <s:Body>');
  if (bodyElement.children.length !== 1) {
    throw new WindowsProtocolError('malformed', '<s:Body> must hold exactly one element');
  }
  return { action, messageId, header, body: bodyElement.children[0] as XmlElement };
}

export interface SoapResponse {
  readonly action: string;
  readonly relatesTo: string;
  readonly body: XmlFragment;
  /** Further header blocks, such as a WS-Security timestamp. */
  readonly headerBlocks?: XmlFragment;
}

export function buildSoapResponse(response: SoapResponse): string {
  return xml`<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}"><s:Header><a:Action s:mustUnderstand="1">${response.action}</a:Action><a:RelatesTo>${response.relatesTo}</a:RelatesTo>${response.headerBlocks}</s:Header><s:Body>${response.body}</s:Body></s:Envelope>`
    .text;
}

/** The fault subcodes of MS-MDE2 §2.2.10, each with the namespace the specification gives it. */
export const SOAP_FAULT_SUBCODES = {
  MessageFormat: 's:MessageFormat',
  Authentication: 's:Authentication',
  Authorization: 's:Authorization',
  CertificateRequest: 's:CertificateRequest',
  EnrollmentServer: 's:EnrollmentServer',
  InternalServiceFault: 's:InternalServiceFault',
  InvalidSecurity: 'a:InvalidSecurity',
} as const;

export type SoapFaultCode = keyof typeof SOAP_FAULT_SUBCODES;

export interface SoapFault {
  readonly code: SoapFaultCode;
  /** Shown to the user by the enrollment client; never an internal detail. */
  readonly reason: string;
  readonly relatesTo?: string;
  /** The action of the operation that failed (MS-MDE2's example uses the RSTRC action); WS-Addressing's fault action otherwise. */
  readonly action?: string;
}

/**
 * A SOAP fault the Windows enrollment client understands. The top-level code is s:Receiver for every subcode,
 * as in MS-MDE2's example: the client reads only the subcode (mapped to an MENROLL_E_* HRESULT).
 */
export function buildSoapFault(fault: SoapFault): string {
  const relatesTo =
    fault.relatesTo === undefined ? undefined : xml`<a:RelatesTo>${fault.relatesTo}</a:RelatesTo>`;
  return xml`<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}"><s:Header><a:Action s:mustUnderstand="1">${fault.action ?? ACTION.fault}</a:Action>${relatesTo}</s:Header><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>${SOAP_FAULT_SUBCODES[fault.code]}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${fault.reason}</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`
    .text;
}
