// Signs pkijs TBS structures (certificates, CRLs) with Node's native crypto; JS RSA is too slow for a CA.
import { sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { AlgorithmIdentifier, type Certificate, type CertificateRevocationList } from 'pkijs';

/** Thrown when a CA key is of a kind Keep does not sign with (e.g. Ed25519, RSA-PSS, P-521). */
export class UnsupportedSigningKeyError extends Error {
  override name = 'UnsupportedSigningKeyError';
}

interface SignatureAlgorithm {
  oid: string;
  hash: 'sha256' | 'sha384';
  /** RFC 4055 §5 wants a NULL for RSA; RFC 5758 §3.2 wants the parameters absent for ECDSA. */
  nullParams: boolean;
}

/** RFC 4055 §5 (sha256WithRSAEncryption) and RFC 5758 §3.2 (ecdsa-with-SHA256/384). */
export function signatureAlgorithmFor(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'rsa')
    return { oid: '1.2.840.113549.1.1.11', hash: 'sha256', nullParams: true };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { oid: '1.2.840.10045.4.3.2', hash: 'sha256', nullParams: false };
    if (curve === 'secp384r1') return { oid: '1.2.840.10045.4.3.3', hash: 'sha384', nullParams: false };
  }
  throw new UnsupportedSigningKeyError(
    `cannot sign with a ${key.asymmetricKeyType ?? 'unknown'} key; use RSA, EC P-256 or EC P-384`,
  );
}

/**
 * Fills in both signature-algorithm fields, signs the DER of the TBS part and returns the DER
 * of the whole signed object. ECDSA signatures come out DER-encoded, as X.509 wants.
 */
export function signNatively(object: Certificate | CertificateRevocationList, key: KeyObject): Buffer {
  const algorithm = signatureAlgorithmFor(key);
  const identifier = () =>
    new AlgorithmIdentifier({
      algorithmId: algorithm.oid,
      ...(algorithm.nullParams ? { algorithmParams: new asn1js.Null() } : {}),
    });
  object.signature = identifier();
  object.signatureAlgorithm = identifier();
  // toSchema(true) re-encodes the TBS from the fields just set; element 0 is the TBS itself.
  const tbs = Buffer.from((object.toSchema(true) as asn1js.Sequence).valueBlock.value[0]!.toBER(false));
  object.tbsView = new Uint8Array(tbs);
  object.signatureValue = new asn1js.BitString({ valueHex: sign(algorithm.hash, tbs, key) });
  return Buffer.from((object.toSchema(false) as asn1js.Sequence).toBER(false));
}
