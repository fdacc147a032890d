// GetNextCACert (RFC 8894 §4.7): the CA that will take over, announced ahead of the switch. The answer is a
// SignedData signed by the current RA, whose content is a degenerate certs-only SignedData with the new chain.
import type { KeyObject } from 'node:crypto';
import { buildCertsOnly, signSignedData } from '../cms/index.js';

export const NEXT_CA_CERT_CONTENT_TYPE = 'application/x-x509-next-ca-cert';

export function buildNextCaCertResponse(
  nextChain: readonly Buffer[],
  signer: { certificate: Buffer; key: KeyObject },
): Buffer {
  return signSignedData({
    content: buildCertsOnly([...nextChain]),
    signerCertificate: signer.certificate,
    signerKey: signer.key,
  });
}
