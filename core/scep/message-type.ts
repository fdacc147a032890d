// SCEP message vocabulary (RFC 8894 §3.2.1) and the tagged unions the codec decodes into.
import type { CachedCertificate, ContentCipher, DigestName } from '../cms/index.js';
import type { CertificationRequest } from './csr.js';

/** messageType attribute values (RFC 8894 §3.2.1.2). */
export const MessageType = {
  CertRep: 3,
  RenewalReq: 17,
  PKCSReq: 19,
  CertPoll: 20,
  GetCert: 21,
  GetCRL: 22,
} as const;

/** pkiStatus attribute values (RFC 8894 §3.2.1.3). */
export const PkiStatus = { SUCCESS: 0, FAILURE: 2, PENDING: 3 } as const;
export type PkiStatusName = keyof typeof PkiStatus;

/** failInfo attribute values (RFC 8894 §3.2.1.4). */
export const FailInfo = { badAlg: 0, badMessageCheck: 1, badRequest: 2, badTime: 3, badCertId: 4 } as const;
export type FailInfoName = keyof typeof FailInfo;

/** What a CertRep must echo: enough of the request to address and correlate the answer. */
export interface RequestContext {
  transactionId: string;
  senderNonce: Buffer;
  /** The certificate that signed the request; a SUCCESS is encrypted to its key. */
  signer: CachedCertificate;
  /** The request's content cipher, when it got that far; the answer reuses it. */
  cipher?: ContentCipher;
  digest: DigestName;
  /** The RA certificate the request was encrypted to, when it was an older one of the same key (RA rotation). */
  raCertificate?: Buffer;
}

interface RequestCommon extends RequestContext {
  /** Every certificate in the request's SignedData (chain candidates for a RenewalReq signer). */
  certificates: Buffer[];
  cipher: ContentCipher;
}

/** A decoded pkiMessage (RFC 8894 §3.3); switch on `type`. */
export type ScepRequest =
  | (RequestCommon & { type: 'PKCSReq' | 'RenewalReq'; csr: CertificationRequest })
  | (RequestCommon & {
      /** CertPoll in RFC 8894, GetCertInitial in the drafts (§3.3.3). */
      type: 'GetCertInitial';
      issuerAndSubject: { issuer: Buffer; subject: Buffer };
    });

/** The RA's answer to a request (RFC 8894 §3.3.2). */
export type CertRepOutcome =
  | { status: 'SUCCESS'; /** the issued certificate first, then its chain */ certificates: Buffer[] }
  | { status: 'FAILURE'; failInfo: FailInfoName }
  | { status: 'PENDING' };
