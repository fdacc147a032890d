// What core/scep offers: the RFC 8894 message layer for Keep's RA and for SCEP clients.
export { RA_CAPABILITIES, CA_CAPS_CONTENT_TYPE, renderCaCaps, parseCaCaps } from './ca-caps.js';
export { NEXT_CA_CERT_CONTENT_TYPE, buildNextCaCertResponse } from './next-ca-cert.js';
export {
  CA_CERT_CONTENT_TYPE,
  CA_RA_CERT_CONTENT_TYPE,
  PKI_MESSAGE_CONTENT_TYPE,
  buildCaCertResponse,
  parseCaCertResponse,
  selectRecipient,
} from './ca-cert.js';
export { parseCertificationRequest } from './csr.js';
export type { CertificationRequest, NameAttribute } from './csr.js';
export { MessageType, PkiStatus, FailInfo } from './message-type.js';
export type {
  CertRepOutcome,
  FailInfoName,
  PkiStatusName,
  RequestContext,
  ScepRequest,
} from './message-type.js';
export { parsePkiMessage, DEFAULT_MAX_PKI_MESSAGE_BYTES } from './parse-pki-message.js';
export type { ParsePkiMessageOptions, RaCredentials } from './parse-pki-message.js';
export { buildCertRep } from './build-cert-rep.js';
export type { CertRepOptions } from './build-cert-rep.js';
export { buildPkiMessage, buildIssuerAndSubject, transactionIdFor } from './build-pki-message.js';
export type { PkiMessageOptions } from './build-pki-message.js';
export { parseCertRep } from './parse-cert-rep.js';
export type { CertRep, ParseCertRepOptions } from './parse-cert-rep.js';
export { ScepError } from './scep-error.js';
export type { ScepErrorCode } from './scep-error.js';
