// MS-XCEP GetPolicies as MS-MDE2 §3.3 uses it: the request carries the credential, the answer fixes key and hash.
import { buildSoapResponse, decodeSoapRequest } from './soap-envelope.js';
import { ACTION, NS } from './soap-namespaces.js';
import { WindowsProtocolError } from './windows-protocol-error.js';
import { decodeWsSecurityCredential, type WsSecurityCredential } from './ws-security-credential.js';
import type { XmlParseOptions } from './xml-document.js';
import { xml } from './xml-template.js';

export interface GetPoliciesRequest {
  readonly kind: 'get-policies';
  readonly messageId: string;
  readonly credential: WsSecurityCredential;
}

export function decodeGetPoliciesRequest(
  input: string | Uint8Array,
  options?: XmlParseOptions,
): GetPoliciesRequest {
  const { messageId, header, body } = decodeSoapRequest(input, ACTION.getPolicies, options);
  if (body.local !== 'GetPolicies' || body.ns !== NS.enrollmentPolicy) {
    throw new WindowsProtocolError('unexpected-message', '<s:Body> does not hold a <GetPolicies>');
  }
  return { kind: 'get-policies', messageId, credential: decodeWsSecurityCredential(header) };
}

export interface GetPoliciesResponse {
  readonly relatesTo: string;
  /** At least 2048: the device generates its RSA key to this length. */
  readonly minimalKeyLength?: number;
  readonly validityPeriodSeconds: number;
  readonly renewalPeriodSeconds: number;
}

export const MINIMAL_KEY_LENGTH = 2048;

/** SHA-256 (group 1, hash algorithms) and RSA (group 3, public-key algorithms), from MS-XCEP §3.1.4.1.3.16. */
const SHA256 = { id: 0, value: '2.16.840.1.101.3.4.2.1', group: 1, name: 'szOID_NIST_sha256' };
const RSA = { id: 1, value: '1.2.840.113549.1.1.1', group: 3, name: 'szOID_RSA_RSA' };

/**
 * One policy (schema 3, as MS-MDE2 requires) telling the client which key and hash to use; fields MS-MDE2 says
 * the client does not evaluate are sent nil, since MS-XCEP's schema requires them to be present.
 */
export function buildGetPoliciesResponse(response: GetPoliciesResponse): string {
  const minimalKeyLength = response.minimalKeyLength ?? MINIMAL_KEY_LENGTH;
  if (!Number.isInteger(minimalKeyLength) || minimalKeyLength < MINIMAL_KEY_LENGTH) {
    throw new TypeError(`minimalKeyLength must be an integer of at least ${MINIMAL_KEY_LENGTH}`);
  }
  const oid = (o: typeof SHA256) =>
    xml`<oID><value>${o.value}</value><group>${o.group}</group><oIDReferenceID>${o.id}</oIDReferenceID><defaultName>${o.name}</defaultName></oID>`;
  return buildSoapResponse({
    action: ACTION.getPoliciesResponse,
    relatesTo: response.relatesTo,
    body: xml`<GetPoliciesResponse xmlns="${NS.enrollmentPolicy}" xmlns:xsi="${NS.xsi}" xmlns:xsd="${NS.xsd}"><response><policyID/><policyFriendlyName xsi:nil="true"/><nextUpdateHours xsi:nil="true"/><policiesNotChanged xsi:nil="true"/><policies><policy><policyOIDReference>0</policyOIDReference><cAs xsi:nil="true"/><attributes><commonName>Keep</commonName><policySchema>3</policySchema><certificateValidity><validityPeriodSeconds>${response.validityPeriodSeconds}</validityPeriodSeconds><renewalPeriodSeconds>${response.renewalPeriodSeconds}</renewalPeriodSeconds></certificateValidity><permission><enroll>true</enroll><autoEnroll>false</autoEnroll></permission><privateKeyAttributes><minimalKeyLength>${minimalKeyLength}</minimalKeyLength><keySpec xsi:nil="true"/><keyUsageProperty xsi:nil="true"/><permissions xsi:nil="true"/><algorithmOIDReference>${RSA.id}</algorithmOIDReference><cryptoProviders xsi:nil="true"/></privateKeyAttributes><revision><majorRevision>101</majorRevision><minorRevision>0</minorRevision></revision><supersededPolicies xsi:nil="true"/><privateKeyFlags xsi:nil="true"/><subjectNameFlags xsi:nil="true"/><enrollmentFlags xsi:nil="true"/><generalFlags xsi:nil="true"/><hashAlgorithmOIDReference>${SHA256.id}</hashAlgorithmOIDReference><rARequirements xsi:nil="true"/><keyArchivalAttributes xsi:nil="true"/><extensions xsi:nil="true"/></attributes></policy></policies></response><cAs xsi:nil="true"/><oIDs>${[oid(SHA256), oid(RSA)]}</oIDs></GetPoliciesResponse>`,
  });
}
