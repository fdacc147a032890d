// The SOAP requests Windows' enrolment client sends (MS-MDE2 §4 examples), built for the simulated PC.
import { NS, TOKEN_TYPE, ACTION } from '../../../core/windows/soap-namespaces.js';
import { xml, type XmlFragment } from '../../../core/windows/xml-template.js';

function envelope(action: string, to: string, security: XmlFragment | undefined, body: XmlFragment): string {
  return xml`<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:u="${NS.wsu}" xmlns:wsse="${NS.wsse}" xmlns:wst="${NS.wstrust}" xmlns:ac="${NS.authorization}"><s:Header><a:Action s:mustUnderstand="1">${action}</a:Action><a:MessageID>urn:uuid:${globalThis.crypto.randomUUID()}</a:MessageID><a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo><a:To s:mustUnderstand="1">${to}</a:To>${security}</s:Header><s:Body>${body}</s:Body></s:Envelope>`
    .text;
}

export interface Credential {
  username: string;
  password: string;
}

/** What Keep's sign-in page posted to the web broker (`wresult`): MS-MDE2's DeviceEnrollmentUserToken. */
export interface SignInToken {
  token: string;
}

function securityHeader(credential: Credential | SignInToken): XmlFragment {
  if ('token' in credential)
    return xml`<wsse:Security s:mustUnderstand="1"><wsse:BinarySecurityToken ValueType="${TOKEN_TYPE.deviceEnrollmentUserToken}" EncodingType="${TOKEN_TYPE.base64}">${credential.token}</wsse:BinarySecurityToken></wsse:Security>`;
  return xml`<wsse:Security s:mustUnderstand="1"><wsse:UsernameToken u:Id="uuid-${globalThis.crypto.randomUUID()}-1"><wsse:Username>${credential.username}</wsse:Username><wsse:Password wsse:Type="${TOKEN_TYPE.passwordText}">${credential.password}</wsse:Password></wsse:UsernameToken></wsse:Security>`;
}

export function discoverRequest(to: string, email: string): string {
  return envelope(
    ACTION.discover,
    to,
    undefined,
    xml`<Discover xmlns="${NS.discovery}"><request xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><EmailAddress>${email}</EmailAddress><RequestVersion>6.0</RequestVersion><DeviceType>CIMClient_Windows</DeviceType><ApplicationVersion>10.0.22631.4460</ApplicationVersion><OSEdition>48</OSEdition><AuthPolicies><AuthPolicy>OnPremise</AuthPolicy><AuthPolicy>Federated</AuthPolicy></AuthPolicies></request></Discover>`,
  );
}

export function getPoliciesRequest(to: string, credential: Credential | SignInToken): string {
  return envelope(
    ACTION.getPolicies,
    to,
    securityHeader(credential),
    xml`<GetPolicies xmlns="${NS.enrollmentPolicy}" xmlns:xsi="${NS.xsi}"><client><lastUpdate xsi:nil="true"/><preferredLanguage xsi:nil="true"/></client><requestFilter xsi:nil="true"/></GetPolicies>`,
  );
}

export function requestSecurityTokenRequest(
  to: string,
  credential: Credential | SignInToken,
  csrDer: Uint8Array,
  context: Record<string, string>,
): string {
  const items = Object.entries(context).map(
    ([name, value]) => xml`<ac:ContextItem Name="${name}"><ac:Value>${value}</ac:Value></ac:ContextItem>`,
  );
  return envelope(
    ACTION.requestSecurityToken,
    to,
    securityHeader(credential),
    xml`<wst:RequestSecurityToken><wst:TokenType>${TOKEN_TYPE.deviceEnrollmentToken}</wst:TokenType><wst:RequestType>${TOKEN_TYPE.issue}</wst:RequestType><wsse:BinarySecurityToken ValueType="${TOKEN_TYPE.pkcs10}" EncodingType="${TOKEN_TYPE.base64}">${Buffer.from(csrDer).toString('base64')}</wsse:BinarySecurityToken><ac:AdditionalContext xmlns="${NS.authorization}">${items}</ac:AdditionalContext></wst:RequestSecurityToken>`,
  );
}
