// Server side of RFC 8894 §3.3: verify, decrypt and decode a client's pkiMessage into a ScepRequest.
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateCache } from '../cms/index.js';
import { CmsError, OID, decryptEnvelopedData, verifySignedData } from '../cms/index.js';
import { parseDer, sequence, toDer } from '../cms/der.js';
import { parseCertificationRequest } from './csr.js';
import type { RequestContext, ScepRequest } from './message-type.js';
import { MessageType } from './message-type.js';
import { SCEP_OID, readNonce, readNumber, readString } from './scep-attributes.js';
import { ScepError, fromCmsError } from './scep-error.js';

/** The RA's certificate (DER) and private key: requests are encrypted to it. */
export interface RaCredentials {
  certificate: Buffer;
  key: KeyObject;
}

export interface ParsePkiMessageOptions {
  ra: RaCredentials;
  /** RA credentials a rotation replaced (an older certificate, of the same key or the one before), accepted until they expire. */
  previousRa?: readonly RaCredentials[];
  /** Cap on the request body; a PKCSReq with a 4096-bit key is under 8 KB. */
  maxBytes?: number;
  certificateCache?: CertificateCache;
  /** Accept single-DES envelopes from legacy clients (micromdm scepclient); answered with AES-256. */
  allowSingleDes?: boolean;
}

export const DEFAULT_MAX_PKI_MESSAGE_BYTES = 64 * 1024;

/**
 * Checks the signature (not the signer's trust: a PKCSReq signer is usually self-signed; for a
 * RenewalReq the caller must check `signer` against Keep's CA), then decrypts the envelope.
 */
export function parsePkiMessage(der: Uint8Array, options: ParsePkiMessageOptions): ScepRequest {
  let verified;
  try {
    verified = verifySignedData(der, {
      maxBytes: options.maxBytes ?? DEFAULT_MAX_PKI_MESSAGE_BYTES,
      ...(options.certificateCache ? { certificateCache: options.certificateCache } : {}),
    });
  } catch (error) {
    throw fromCmsError(error, 'pkiMessage');
  }
  const { signer } = verified;
  if (verified.contentType !== OID.data)
    throw new ScepError('malformed', 'pkiMessage content is not id-data');
  const attributes = signer.signedAttributes;
  const transactionId = readString(attributes, SCEP_OID.transactionID, 'transactionID');
  const senderNonce = readNonce(attributes, SCEP_OID.senderNonce, 'senderNonce');
  const messageType = readNumber(attributes, SCEP_OID.messageType, 'messageType');
  if (transactionId === undefined || senderNonce === undefined || messageType === undefined) {
    throw new ScepError('malformed', 'pkiMessage lacks transactionID, senderNonce or messageType');
  }
  const context: RequestContext = {
    transactionId,
    senderNonce,
    signer: signer.certificate,
    digest: signer.digest,
  };
  if (messageType === MessageType.GetCert || messageType === MessageType.GetCRL) {
    throw new ScepError('bad-request', `messageType ${messageType} is not supported`, { context });
  }
  if (
    messageType !== MessageType.PKCSReq &&
    messageType !== MessageType.RenewalReq &&
    messageType !== MessageType.CertPoll
  ) {
    throw new ScepError('bad-request', `messageType ${messageType} is not a request`, { context });
  }
  let decrypted;
  try {
    const opened = decryptForRa(verified.content, options);
    decrypted = opened.decrypted;
    if (opened.certificate !== options.ra.certificate) context.raCertificate = opened.certificate;
  } catch (error) {
    throw fromCmsError(error, 'pkcsPKIEnvelope', context);
  }
  // Never answer in single DES: every client that sends it can also read AES-256-CBC.
  const cipher = decrypted.cipher === 'des-cbc' ? 'aes-256-cbc' : decrypted.cipher;
  context.cipher = cipher;
  const common = { ...context, cipher, certificates: verified.certificates };
  try {
    if (messageType === MessageType.CertPoll) {
      return { ...common, type: 'GetCertInitial', issuerAndSubject: issuerAndSubject(decrypted.content) };
    }
    const csr = parseCertificationRequest(decrypted.content);
    return { ...common, type: messageType === MessageType.PKCSReq ? 'PKCSReq' : 'RenewalReq', csr };
  } catch (error) {
    if (error instanceof ScepError) {
      throw new ScepError(error.code, error.message, { cause: error.cause, context });
    }
    throw fromCmsError(error, 'messageData', context);
  }
}

/** Opens the envelope with the current RA credentials, or with older ones it was addressed to. */
function decryptForRa(content: Buffer, options: ParsePkiMessageOptions) {
  const credentials = [options.ra, ...(options.previousRa ?? [])];
  for (const [index, { certificate, key }] of credentials.entries()) {
    try {
      const decrypted = decryptEnvelopedData(
        content,
        { certificate, key },
        { allowSingleDes: options.allowSingleDes ?? false },
      );
      return { decrypted, certificate };
    } catch (error) {
      // 'untrusted': addressed to another certificate, maybe one a device fetched before an RA rotation.
      if (index === credentials.length - 1 || !(error instanceof CmsError && error.code === 'untrusted'))
        throw error;
    }
  }
  throw new CmsError('untrusted', 'no RecipientInfo is addressed to this certificate');
}

/** IssuerAndSubject (RFC 8894 §3.3.3): the two Names a CertPoll asks about. */
function issuerAndSubject(der: Buffer): { issuer: Buffer; subject: Buffer } {
  const [issuer, subject] = sequence(parseDer(der), 'IssuerAndSubject');
  const { Type } = forge.asn1;
  if (issuer?.type !== Type.SEQUENCE || subject?.type !== Type.SEQUENCE) {
    throw new ScepError('malformed', 'IssuerAndSubject must hold two Names');
  }
  return { issuer: toDer(issuer), subject: toDer(subject) };
}
