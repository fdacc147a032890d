// Reads when a CRL was issued, so an edge never replaces a newer CRL with an older one that arrives late.
import * as asn1js from 'asn1js';
import { CertificateRevocationList } from 'pkijs';

/** The CRL's thisUpdate (RFC 5280 §5.1.2.4); throws on DER that is not a CRL. */
export function crlIssuedAt(der: Uint8Array): Date {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new RangeError('not a DER-encoded CRL');
  return new CertificateRevocationList({ schema: parsed.result }).thisUpdate.value;
}
