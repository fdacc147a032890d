// Where each issuing CA's CRL is served: one URL per CA, so that a relying party fetching the URL a certificate
// names (RFC 5280 §4.2.1.13) gets one DER CRL signed by that certificate's own issuer — the only form HTTP CRL
// clients (Apple, Windows, openssl) read. During a rollover two CAs publish, each at its own URL.
export const caCrlPath = (keyIdHex: string) => `/pki/crl/${keyIdHex}`;

/** The URL for the CA with this subjectKeyIdentifier under the edge's base CRL URL (…/pki/crl). */
export function caCrlUrl(baseCrlUrl: string, keyId: Uint8Array): string {
  return `${baseCrlUrl.replace(/\/+$/, '')}/${Buffer.from(keyId).toString('hex')}`;
}
