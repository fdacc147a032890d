// The namespaces and SOAP actions of Windows enrollment (MS-MDE2 §2.2, MS-XCEP §3.1.4.1, MS-WSTEP §3.1.4.1).

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wstrust: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  authorization: 'http://schemas.xmlsoap.org/ws/2006/12/authorization',
  discovery: 'http://schemas.microsoft.com/windows/management/2012/01/enrollment',
  enrollmentPolicy: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy',
  enrollment: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
} as const;

export const ACTION = {
  discover: `${NS.discovery}/IDiscoveryService/Discover`,
  discoverResponse: `${NS.discovery}/IDiscoveryService/DiscoverResponse`,
  getPolicies: `${NS.enrollmentPolicy}/IPolicy/GetPolicies`,
  getPoliciesResponse: `${NS.enrollmentPolicy}/IPolicy/GetPoliciesResponse`,
  requestSecurityToken: `${NS.enrollment}/RST/wstep`,
  requestSecurityTokenResponse: `${NS.enrollment}/RSTRC/wstep`,
  fault: `${NS.addressing}/soap/fault`,
} as const;

/** WS-Security value and encoding types that MS-MDE2 §3.3.4.1 and §3.4.4.1 fix. */
export const TOKEN_TYPE = {
  base64: `${NS.wsse}#base64binary`,
  passwordText:
    'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText',
  deviceEnrollmentUserToken:
    'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentUserToken',
  deviceEnrollmentToken:
    'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken',
  provisionDoc:
    'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc',
  pkcs10: `${NS.enrollment}#PKCS10`,
  issue: `${NS.wstrust}/Issue`,
} as const;
