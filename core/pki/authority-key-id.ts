// Which CA key signed a certificate: its authorityKeyIdentifier (RFC 5280 §4.2.1.1), as lower-case hex, the
// name Keep gives each issuing CA's CRL.
import * as asn1js from 'asn1js';
import { AuthorityKeyIdentifier, Certificate } from 'pkijs';

const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';

/** Undefined when the certificate carries no key identifier of its issuer (Keep always writes one). */
export function authorityKeyIdOf(certificate: Certificate | Uint8Array): string | undefined {
  const parsed = certificate instanceof Certificate ? certificate : Certificate.fromBER(certificate);
  const extension = parsed.extensions?.find((ext) => ext.extnID === AUTHORITY_KEY_IDENTIFIER);
  const value = extension?.parsedValue;
  if (!(value instanceof AuthorityKeyIdentifier) || !(value.keyIdentifier instanceof asn1js.OctetString))
    return undefined;
  return Buffer.from(value.keyIdentifier.valueBlock.valueHexView).toString('hex');
}
