// Server side of RFC 8894 §3.3.2: the RA's signed CertRep, with the issued certificates enveloped.
import { randomBytes } from 'node:crypto';
import type { ContentCipher, DigestName } from '../cms/index.js';
import { buildCertsOnly, encryptEnvelopedData, signSignedData } from '../cms/index.js';
import type { CertRepOutcome, RequestContext } from './message-type.js';
import { FailInfo, MessageType, PkiStatus } from './message-type.js';
import type { RaCredentials } from './parse-pki-message.js';
import { SCEP_OID, nonce, printable } from './scep-attributes.js';

export interface CertRepOptions {
  /** Content cipher for a SUCCESS; by default the one the request used, else AES-256-CBC. */
  cipher?: ContentCipher;
  /** Digest of the RA signature; by default the request's (SHA-256 when that was SHA-1). */
  digest?: DigestName;
  /** CA certificates to include beside the RA's in the SignedData. */
  extraCertificates?: Buffer[];
}

/** Builds the CertRep for `request` (a ScepRequest, or the context of a ScepError). */
export function buildCertRep(
  request: RequestContext,
  outcome: CertRepOutcome,
  ra: RaCredentials,
  options: CertRepOptions = {},
): Buffer {
  const attributes = [
    printable(SCEP_OID.messageType, String(MessageType.CertRep)),
    printable(SCEP_OID.pkiStatus, String(PkiStatus[outcome.status])),
    printable(SCEP_OID.transactionID, request.transactionId),
    nonce(SCEP_OID.recipientNonce, request.senderNonce),
    nonce(SCEP_OID.senderNonce, randomBytes(16)),
  ];
  if (outcome.status === 'FAILURE') {
    attributes.push(printable(SCEP_OID.failInfo, String(FailInfo[outcome.failInfo])));
  }
  // Only SUCCESS carries a pkcsPKIEnvelope; FAILURE and PENDING sign empty content (§3.3.2).
  const content =
    outcome.status === 'SUCCESS'
      ? encryptEnvelopedData(
          buildCertsOnly(outcome.certificates),
          request.signer.der,
          options.cipher ?? request.cipher ?? 'aes-256-cbc',
        )
      : Buffer.alloc(0);
  return signSignedData({
    content,
    detached: outcome.status !== 'SUCCESS',
    signerCertificate: ra.certificate,
    signerKey: ra.key,
    digest: options.digest ?? (request.digest === 'sha1' ? 'sha256' : request.digest),
    attributes,
    certificates: [ra.certificate, ...(options.extraCertificates ?? [])],
  });
}
