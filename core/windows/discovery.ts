// MS-MDE2 discovery: the Discover request (§3.1.4.1.3.1) and its DiscoverResponse (§3.1.4.1.3.2).
import { buildSoapResponse, decodeSoapRequest } from './soap-envelope.js';
import { ACTION, NS } from './soap-namespaces.js';
import { WindowsProtocolError } from './windows-protocol-error.js';
import { child, children, optionalText, type XmlParseOptions } from './xml-document.js';
import { xml } from './xml-template.js';

export const AUTH_POLICIES = ['OnPremise', 'Federated', 'Certificate'] as const;
export type AuthPolicy = (typeof AUTH_POLICIES)[number];

export interface DiscoverRequest {
  readonly kind: 'discover';
  readonly messageId: string;
  /** The decimal version the client speaks: 3.0 to 6.0 in clients seen so far; any decimal is accepted. */
  readonly requestVersion: string;
  readonly emailAddress?: string;
  readonly deviceType?: string;
  readonly applicationVersion?: string;
  readonly osEdition?: number;
  /** The policies the client can use, in its order of preference. */
  readonly authPolicies: readonly AuthPolicy[];
}

const DECIMAL = /^\d{1,3}(\.\d{1,3})?$/;

export function decodeDiscoverRequest(
  input: string | Uint8Array,
  options?: XmlParseOptions,
): DiscoverRequest {
  const { messageId, body } = decodeSoapRequest(input, ACTION.discover, options);
  if (body.local !== 'Discover' || body.ns !== NS.discovery) {
    throw new WindowsProtocolError('unexpected-message', '<s:Body> does not hold a <Discover>');
  }
  const request = child(body, 'request', NS.discovery);
  if (!request) throw new WindowsProtocolError('missing-element', 'missing <Discover/request>');
  const requestVersion = optionalText(request, 'RequestVersion') ?? '';
  if (!DECIMAL.test(requestVersion)) {
    throw new WindowsProtocolError('invalid-value', '<RequestVersion> is not a decimal version');
  }
  const policiesElement = child(request, 'AuthPolicies');
  const authPolicies: AuthPolicy[] = [];
  // Unknown policies from a newer client are skipped: the server answers with one it supports.
  for (const policy of policiesElement ? children(policiesElement, 'AuthPolicy') : []) {
    const name = AUTH_POLICIES.find((p) => p === policy.text.trim());
    if (name && !authPolicies.includes(name)) authPolicies.push(name);
  }
  const osEditionText = optionalText(request, 'OSEdition');
  const osEdition = osEditionText === undefined ? undefined : Number(osEditionText);
  if (osEdition !== undefined && (!/^\d{1,10}$/.test(osEditionText ?? '') || osEdition > 0xffffffff)) {
    throw new WindowsProtocolError('invalid-value', '<OSEdition> is not an unsigned integer');
  }
  return {
    kind: 'discover',
    messageId,
    requestVersion,
    authPolicies,
    emailAddress: optionalText(request, 'EmailAddress') || undefined,
    deviceType: optionalText(request, 'DeviceType') || undefined,
    applicationVersion: optionalText(request, 'ApplicationVersion') || undefined,
    osEdition,
  };
}

export interface DiscoverResponse {
  readonly relatesTo: string;
  readonly authPolicy: AuthPolicy;
  readonly enrollmentPolicyServiceUrl: string;
  readonly enrollmentServiceUrl: string;
  /** Required for Federated: where the client signs the user in to obtain its security token. */
  readonly authenticationServiceUrl?: string;
  readonly enrollmentVersion?: string;
}

/** The enrollment protocol version Keep answers with: version 4.0 is what Windows 10 and 11 enroll with on premises. */
export const ENROLLMENT_VERSION = '4.0';

export function buildDiscoverResponse(response: DiscoverResponse): string {
  if (response.authPolicy === 'Federated' && !response.authenticationServiceUrl) {
    throw new TypeError('a Federated DiscoverResponse needs an authenticationServiceUrl');
  }
  const authenticationServiceUrl =
    response.authenticationServiceUrl === undefined
      ? undefined
      : xml`<AuthenticationServiceUrl>${response.authenticationServiceUrl}</AuthenticationServiceUrl>`;
  return buildSoapResponse({
    action: ACTION.discoverResponse,
    relatesTo: response.relatesTo,
    body: xml`<DiscoverResponse xmlns="${NS.discovery}"><DiscoverResult><AuthPolicy>${response.authPolicy}</AuthPolicy><EnrollmentVersion>${response.enrollmentVersion ?? ENROLLMENT_VERSION}</EnrollmentVersion><EnrollmentPolicyServiceUrl>${response.enrollmentPolicyServiceUrl}</EnrollmentPolicyServiceUrl><EnrollmentServiceUrl>${response.enrollmentServiceUrl}</EnrollmentServiceUrl>${authenticationServiceUrl}</DiscoverResult></DiscoverResponse>`,
  });
}
