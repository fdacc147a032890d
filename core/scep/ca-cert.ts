// GetCACert (RFC 8894 §4.2): the RA and CA certificates a client encrypts to and trusts.
import { X509Certificate } from 'node:crypto';
import { buildCertsOnly, readCertificates } from '../cms/index.js';
import { ScepError, fromCmsError } from './scep-error.js';

export const CA_CERT_CONTENT_TYPE = 'application/x-x509-ca-cert';
export const CA_RA_CERT_CONTENT_TYPE = 'application/x-x509-ca-ra-cert';
export const PKI_MESSAGE_CONTENT_TYPE = 'application/x-pki-message';

/** A degenerate certs-only PKCS#7 holding the RA certificate then the CA chain (§4.2.1.2). */
export function buildCaCertResponse(
  raCertificates: Buffer | readonly Buffer[],
  caChain: Buffer[],
): {
  contentType: string;
  body: Buffer;
} {
  // The current RA certificate first (clients take the first one that is not a CA), then one a rotation replaced.
  const ra = Buffer.isBuffer(raCertificates) ? [raCertificates] : raCertificates;
  return { contentType: CA_RA_CERT_CONTENT_TYPE, body: buildCertsOnly([...ra, ...caChain]) };
}

/** The certificates of a GetCACert answer, in either of its two forms. */
export function parseCaCertResponse(contentType: string, body: Buffer): Buffer[] {
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  try {
    if (type === CA_CERT_CONTENT_TYPE) {
      new X509Certificate(body);
      return [body];
    }
    if (type === CA_RA_CERT_CONTENT_TYPE) return readCertificates(body);
  } catch (error) {
    throw fromCmsError(error, 'GetCACert response');
  }
  throw new ScepError('malformed', `unexpected GetCACert content type ${String(type)}`);
}

/**
 * Which certificate to encrypt requests to: the only one, else the first that is not a CA (the
 * RA), else the first (§2.2: without an RA the CA itself decrypts).
 */
export function selectRecipient(certificates: Buffer[]): Buffer {
  const parsed = certificates.map((der) => ({ der, x509: new X509Certificate(der) }));
  const ra = parsed.find((c) => !c.x509.ca) ?? parsed[0];
  if (!ra) throw new ScepError('malformed', 'GetCACert returned no certificates');
  return ra.der;
}
