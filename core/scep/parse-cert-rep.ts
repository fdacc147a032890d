// Client side of RFC 8894 §3.3.2: verify the RA's CertRep and open the issued certificates.
import type { KeyObject } from 'node:crypto';
import type { CachedCertificate } from '../cms/index.js';
import { decryptEnvelopedData, parseSignedData, readCertificates, verifySignedData } from '../cms/index.js';
import type { FailInfoName } from './message-type.js';
import { FailInfo, MessageType, PkiStatus } from './message-type.js';
import { SCEP_OID, readNonce, readNumber, readString } from './scep-attributes.js';
import { ScepError, fromCmsError } from './scep-error.js';

export interface ParseCertRepOptions {
  requester: { certificate: Buffer; key: KeyObject };
  transactionId: string;
  senderNonce: Buffer;
  /** Certificates from GetCACert; the CertRep signer must be one of them when given. */
  raCertificates?: Buffer[];
}

export type CertRep =
  | { status: 'SUCCESS'; certificates: Buffer[]; signer: CachedCertificate }
  | { status: 'FAILURE'; failInfo: FailInfoName | 'unknown'; signer: CachedCertificate }
  | { status: 'PENDING'; signer: CachedCertificate };

export function parseCertRep(der: Buffer, options: ParseCertRepOptions): CertRep {
  let verified;
  try {
    // FAILURE and PENDING carry no content: verify those as detached over nothing.
    const detached = parseSignedData(der).content === undefined;
    verified = verifySignedData(der, detached ? { detachedContent: Buffer.alloc(0) } : {});
  } catch (error) {
    throw fromCmsError(error, 'CertRep');
  }
  const signer = verified.signer.certificate;
  if (options.raCertificates && !options.raCertificates.some((c) => c.equals(signer.der))) {
    throw new ScepError('mismatch', 'CertRep is not signed by the RA or CA certificate');
  }
  const attributes = verified.signer.signedAttributes;
  if (readNumber(attributes, SCEP_OID.messageType, 'messageType') !== MessageType.CertRep) {
    throw new ScepError('malformed', 'response is not a CertRep');
  }
  if (readString(attributes, SCEP_OID.transactionID, 'transactionID') !== options.transactionId) {
    throw new ScepError('mismatch', 'CertRep transactionID does not match the request');
  }
  const recipientNonce = readNonce(attributes, SCEP_OID.recipientNonce, 'recipientNonce');
  if (!recipientNonce?.equals(options.senderNonce)) {
    throw new ScepError('mismatch', 'CertRep recipientNonce does not echo our senderNonce');
  }
  const status = readNumber(attributes, SCEP_OID.pkiStatus, 'pkiStatus');
  if (status === PkiStatus.PENDING) return { status: 'PENDING', signer };
  if (status === PkiStatus.FAILURE) {
    const code = readNumber(attributes, SCEP_OID.failInfo, 'failInfo');
    const name = (Object.keys(FailInfo) as FailInfoName[]).find((key) => FailInfo[key] === code);
    return { status: 'FAILURE', failInfo: name ?? 'unknown', signer };
  }
  if (status !== PkiStatus.SUCCESS) throw new ScepError('malformed', `unknown pkiStatus ${String(status)}`);
  try {
    const { content } = decryptEnvelopedData(verified.content, options.requester);
    return { status: 'SUCCESS', certificates: readCertificates(content), signer };
  } catch (error) {
    throw fromCmsError(error, 'CertRep envelope');
  }
}
