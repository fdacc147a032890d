// What core/cms offers: verify and build CMS SignedData and EnvelopedData, and validate signer chains.
export { CmsError } from './cms-error.js';
export type { CmsErrorCode } from './cms-error.js';
export { CertificateCache, defaultCertificateCache, parseCertificate } from './certificate-cache.js';
export type { CachedCertificate } from './certificate-cache.js';
export { verifySignedData } from './verify-signed-data.js';
export type { VerifiedSignedData, VerifiedSigner, VerifyOptions } from './verify-signed-data.js';
export { signSignedData, buildCertsOnly } from './sign-signed-data.js';
export type { SignOptions, SignedAttribute } from './sign-signed-data.js';
export { parseSignedData, readCertificates } from './signed-data.js';
export { encryptEnvelopedData, decryptEnvelopedData } from './enveloped-data.js';
export type { Decrypted, DecryptOptions } from './enveloped-data.js';
export { TrustStore } from './trust-store.js';
export type { TrustStoreOptions, TrustedChain } from './trust-store.js';
export { OID } from './oids.js';
export type { ContentCipher, DigestName } from './oids.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from './der.js';
export type { DerLimits } from './der.js';
