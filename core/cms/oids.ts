// Object identifiers and algorithm tables of RFC 5652 (CMS), RFC 5754/3370 (algorithms) used by Keep.
import { CmsError } from './cms-error.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaOaep: '1.2.840.113549.1.1.7',
  ecPublicKey: '1.2.840.10045.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
} as const;

/** Node digest names Keep accepts (MD5 and friends are refused). */
export type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const DIGESTS: Record<string, DigestName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export const DIGEST_OID: Record<DigestName, string> = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

/** A signature algorithm: the key family, and the hash when the OID fixes it (else the SignerInfo's). */
interface SignatureAlgorithm {
  key: 'rsa' | 'ec';
  digest?: DigestName;
}

const SIGNATURES: Record<string, SignatureAlgorithm> = {
  [OID.rsaEncryption]: { key: 'rsa' },
  '1.2.840.113549.1.1.5': { key: 'rsa', digest: 'sha1' },
  '1.2.840.113549.1.1.11': { key: 'rsa', digest: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', digest: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', digest: 'sha512' },
  [OID.ecPublicKey]: { key: 'ec' },
  '1.2.840.10045.4.1': { key: 'ec', digest: 'sha1' },
  '1.2.840.10045.4.3.2': { key: 'ec', digest: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ec', digest: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ec', digest: 'sha512' },
};

/** OID of `<digest>WithRSAEncryption` (RFC 4055 §5), for building signatures. */
export const RSA_SIGNATURE_OID: Record<DigestName, string> = {
  sha1: '1.2.840.113549.1.1.5',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};

/** OID of `ecdsa-with-<digest>` (RFC 5758 §3.2). */
export const ECDSA_SIGNATURE_OID: Record<DigestName, string> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

export function digestByOid(oid: string): DigestName {
  const name = DIGESTS[oid];
  if (!name) throw new CmsError('unsupported', `unsupported digest algorithm ${oid}`);
  return name;
}

export function signatureByOid(oid: string): SignatureAlgorithm {
  const algorithm = SIGNATURES[oid];
  if (!algorithm) throw new CmsError('unsupported', `unsupported signature algorithm ${oid}`);
  return algorithm;
}

/** Content-encryption ciphers (RFC 3565 AES-CBC, RFC 3370 §5.1 3DES) as Node cipher names. */
export type ContentCipher = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

export const CIPHER_OID: Record<ContentCipher, string> = {
  'aes-128-cbc': OID.aes128Cbc,
  'aes-192-cbc': OID.aes192Cbc,
  'aes-256-cbc': OID.aes256Cbc,
  'des-ede3-cbc': OID.desEde3Cbc,
};

export function cipherByOid(oid: string): ContentCipher {
  for (const [name, value] of Object.entries(CIPHER_OID)) {
    if (value === oid) return name as ContentCipher;
  }
  throw new CmsError('unsupported', `unsupported content-encryption algorithm ${oid}`);
}
