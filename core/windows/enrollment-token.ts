// MS-WSTEP RequestSecurityToken as MS-MDE2 §3.4 uses it: a PKCS#10 in, the provisioning document out.
import { buildSoapResponse, decodeSoapRequest } from './soap-envelope.js';
import { ACTION, NS, TOKEN_TYPE } from './soap-namespaces.js';
import { WindowsProtocolError } from './windows-protocol-error.js';
import { decodeWsSecurityCredential, type WsSecurityCredential } from './ws-security-credential.js';
import { attribute, child, children, optionalText, type XmlParseOptions } from './xml-document.js';
import { xml } from './xml-template.js';

export interface RequestSecurityTokenRequest {
  readonly kind: 'request-security-token';
  readonly messageId: string;
  readonly credential: WsSecurityCredential;
  /** The device's PKCS#10 certificate request, DER. */
  readonly csrDer: Uint8Array;
  /** The <ac:AdditionalContext> items (DeviceType, HWDevID, DeviceID, EnrollmentType, MAC, …) by name; MAC repeats. */
  readonly context: ReadonlyMap<string, readonly string[]>;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeRequestSecurityToken(
  input: string | Uint8Array,
  options?: XmlParseOptions,
): RequestSecurityTokenRequest {
  const { messageId, header, body } = decodeSoapRequest(input, ACTION.requestSecurityToken, options);
  if (body.local !== 'RequestSecurityToken' || body.ns !== NS.wstrust) {
    throw new WindowsProtocolError(
      'unexpected-message',
      '<s:Body> does not hold a <wst:RequestSecurityToken>',
    );
  }
  if (optionalText(body, 'RequestType') !== TOKEN_TYPE.issue) {
    throw new WindowsProtocolError('invalid-value', '<wst:RequestType> is not Issue');
  }
  if (optionalText(body, 'TokenType') !== TOKEN_TYPE.deviceEnrollmentToken) {
    throw new WindowsProtocolError('invalid-value', '<wst:TokenType> is not DeviceEnrollmentToken');
  }
  const token = child(body, 'BinarySecurityToken', NS.wsse);
  if (!token)
    throw new WindowsProtocolError(
      'missing-element',
      'missing <wst:RequestSecurityToken/wsse:BinarySecurityToken>',
    );
  if (attribute(token, 'ValueType') !== TOKEN_TYPE.pkcs10) {
    throw new WindowsProtocolError('invalid-value', '<wsse:BinarySecurityToken> ValueType is not PKCS10');
  }
  const base64 = token.text.replace(/\s+/g, '');
  if (base64 === '' || !BASE64.test(base64)) {
    throw new WindowsProtocolError('invalid-value', '<wsse:BinarySecurityToken> is not base64');
  }
  const context = new Map<string, string[]>();
  const additional = child(body, 'AdditionalContext', NS.authorization);
  for (const item of additional ? children(additional, 'ContextItem', NS.authorization) : []) {
    const name = attribute(item, 'Name');
    if (name) context.set(name, [...(context.get(name) ?? []), optionalText(item, 'Value') ?? '']);
  }
  return {
    kind: 'request-security-token',
    messageId,
    credential: decodeWsSecurityCredential(header),
    csrDer: new Uint8Array(Buffer.from(base64, 'base64')),
    context,
  };
}

export interface RequestSecurityTokenResponse {
  readonly relatesTo: string;
  /** The wap-provisioningdoc, as `buildProvisioningDoc` returns it. */
  readonly provisioningDoc: string;
}

/** The RequestSecurityTokenResponseCollection of MS-MDE2 §3.4.4.1.1.3: the provisioning document, base64, as the token. */
export function buildRequestSecurityTokenResponse(response: RequestSecurityTokenResponse): string {
  const document = Buffer.from(response.provisioningDoc, 'utf8').toString('base64');
  return buildSoapResponse({
    action: ACTION.requestSecurityTokenResponse,
    relatesTo: response.relatesTo,
    body: xml`<RequestSecurityTokenResponseCollection xmlns="${NS.wstrust}"><RequestSecurityTokenResponse><TokenType>${TOKEN_TYPE.deviceEnrollmentToken}</TokenType><DispositionMessage xmlns="${NS.enrollment}"/><RequestedSecurityToken><BinarySecurityToken ValueType="${TOKEN_TYPE.provisionDoc}" EncodingType="${TOKEN_TYPE.base64}" xmlns="${NS.wsse}">${document}</BinarySecurityToken></RequestedSecurityToken><RequestID xmlns="${NS.enrollment}">0</RequestID></RequestSecurityTokenResponse></RequestSecurityTokenResponseCollection>`,
  });
}
