// Client side of RFC 8894 §3.3: build a PKCSReq, RenewalReq or CertPoll pkiMessage.
import { createHash, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { ContentCipher, DigestName } from '../cms/index.js';
import { encryptEnvelopedData, signSignedData } from '../cms/index.js';
import { certificateFieldsFromDer } from '../cms/certificate-fields.js';
import { embed, toDer } from '../cms/der.js';
import { MessageType } from './message-type.js';
import { SCEP_OID, nonce, printable } from './scep-attributes.js';

export interface PkiMessageOptions {
  type: 'PKCSReq' | 'RenewalReq' | 'GetCertInitial';
  /** CSR DER for PKCSReq/RenewalReq; IssuerAndSubject DER for GetCertInitial. */
  messageData: Buffer;
  transactionId: string;
  signerCertificate: Buffer;
  signerKey: KeyObject;
  /** The certificate requests are encrypted to: the RA's, or the CA's when there is no RA. */
  recipientCertificate: Buffer;
  cipher?: ContentCipher;
  digest?: DigestName;
}

const TYPE_NUMBER = {
  PKCSReq: MessageType.PKCSReq,
  RenewalReq: MessageType.RenewalReq,
  GetCertInitial: MessageType.CertPoll,
} as const;

export function buildPkiMessage(options: PkiMessageOptions): { der: Buffer; senderNonce: Buffer } {
  const senderNonce = randomBytes(16);
  const envelope = encryptEnvelopedData(
    options.messageData,
    options.recipientCertificate,
    options.cipher ?? 'aes-256-cbc',
  );
  const der = signSignedData({
    content: envelope,
    signerCertificate: options.signerCertificate,
    signerKey: options.signerKey,
    digest: options.digest ?? 'sha256',
    attributes: [
      printable(SCEP_OID.messageType, String(TYPE_NUMBER[options.type])),
      printable(SCEP_OID.transactionID, options.transactionId),
      nonce(SCEP_OID.senderNonce, senderNonce),
    ],
  });
  return { der, senderNonce };
}

/** A transactionID derived from the public key, so a retried request keeps its ID (§3.2.1.1). */
export function transactionIdFor(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .toUpperCase();
}

/** IssuerAndSubject (RFC 8894 §3.3.3) for a CertPoll: the CA's subject and the CSR's subject. */
export function buildIssuerAndSubject(caCertificate: Buffer, subjectDer: Buffer): Buffer {
  const { Class, Type } = forge.asn1;
  const issuer = certificateFieldsFromDer(caCertificate).subject;
  return toDer(forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [issuer, embed(subjectDer)]));
}
