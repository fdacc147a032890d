// The independent check of a certificate Keep issued: `openssl verify` against Keep's chain, and its text.
import { derToPem } from '../../core/pki/pem.js';
import { scratch } from '../core/pki/openssl.js';

export function opensslVerify(
  leafPem: string,
  chainDer: readonly Buffer[],
): { verdict: string; text: string } {
  const s = scratch();
  try {
    s.write('leaf.pem', leafPem);
    s.write('chain.pem', chainDer.map((der) => derToPem(der, 'CERTIFICATE')).join(''));
    // -partial_chain: the edge trusts the issuing CA as an anchor, as the devices' chain ends there.
    const verdict = s.openssl('verify', '-partial_chain', '-CAfile', 'chain.pem', 'leaf.pem');
    const text = s.openssl('x509', '-in', 'leaf.pem', '-noout', '-text');
    return { verdict, text };
  } finally {
    s.remove();
  }
}
