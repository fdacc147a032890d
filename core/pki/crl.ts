// Builds the issuing CA's certificate revocation list (RFC 5280 §5), signed natively.
import * as asn1js from 'asn1js';
import { CertificateRevocationList, Extension, Extensions, RevokedCertificate } from 'pkijs';
import type { CertificateAuthority } from './certificate-authority.js';
import { authorityKeyIdentifier } from './certificate-extensions.js';
import { signNatively } from './native-signer.js';
import { serialFromHex, serialInteger } from './serial-number.js';
import { x509Time } from './validity.js';

/** RFC 5280 §5.3.1 CRLReason (7 is unused in the standard). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export interface RevokedEntry {
  serialHex: string;
  revokedAt: Date;
  reason?: RevocationReason;
}

export interface CrlRequest {
  ca: CertificateAuthority;
  /** RFC 5280 §5.2.3: monotonically increasing; the caller keeps the counter (crl_state). */
  crlNumber: number;
  revoked: readonly RevokedEntry[];
  thisUpdate: Date;
  nextUpdate: Date;
}

const CRL_NUMBER = '2.5.29.20';
const REASON_CODE = '2.5.29.21';

/** Returns the DER of a v2 CRL with CRL number and authorityKeyIdentifier. */
export function buildCrl(request: CrlRequest): Buffer {
  if (!Number.isSafeInteger(request.crlNumber) || request.crlNumber < 0)
    throw new RangeError(`CRL number must be a non-negative integer, got ${request.crlNumber}`);
  if (request.nextUpdate <= request.thisUpdate) throw new RangeError('nextUpdate must come after thisUpdate');
  const crl = new CertificateRevocationList({
    version: 1,
    issuer: request.ca.name,
    thisUpdate: x509Time(request.thisUpdate),
    nextUpdate: x509Time(request.nextUpdate),
    crlExtensions: new Extensions({
      extensions: [
        authorityKeyIdentifier(request.ca.keyId),
        new Extension({
          extnID: CRL_NUMBER,
          critical: false,
          extnValue: new asn1js.Integer({ value: request.crlNumber }).toBER(false),
        }),
      ],
    }),
  });
  // §5.1.2.6: with nothing revoked the list must be absent, not empty.
  if (request.revoked.length) crl.revokedCertificates = request.revoked.map(revokedCertificate);
  return signNatively(crl, request.ca.privateKey);
}

function revokedCertificate(entry: RevokedEntry): RevokedCertificate {
  return new RevokedCertificate({
    userCertificate: serialInteger(serialFromHex(entry.serialHex)),
    revocationDate: x509Time(entry.revokedAt),
    ...(entry.reason && entry.reason !== 'unspecified'
      ? {
          crlEntryExtensions: new Extensions({
            extensions: [
              new Extension({
                extnID: REASON_CODE,
                critical: false,
                extnValue: new asn1js.Enumerated({ value: REVOCATION_REASONS[entry.reason] }).toBER(false),
              }),
            ],
          }),
        }
      : {}),
  });
}
