// Verifies CMS SignedData (RFC 5652 §5.4–5.6), attached or detached, with Node's native crypto.
import { createHash, verify } from 'node:crypto';
import type { CachedCertificate, CertificateCache } from './certificate-cache.js';
import { defaultCertificateCache } from './certificate-cache.js';
import { certificateFields, sameEncoding, serialBytes } from './certificate-fields.js';
import { CmsError } from './cms-error.js';
import type { Asn1, DerLimits } from './der.js';
import { octets, oid, toDer } from './der.js';
import type { DigestName } from './oids.js';
import { OID, digestByOid, signatureByOid } from './oids.js';
import type { ParsedSignedData, ParsedSignerInfo } from './signed-data.js';
import { attributesByOid, parseSignedData, signedAttributesDer } from './signed-data.js';

export interface VerifyOptions extends DerLimits {
  /** The content of a detached signature (e.g. the HTTP body under `Mdm-Signature`). */
  detachedContent?: Uint8Array;
  /** Accept more than one SignerInfo (all must verify); off by default. */
  allowMultipleSigners?: boolean;
  certificateCache?: CertificateCache;
}

export interface VerifiedSigner {
  certificate: CachedCertificate;
  digest: DigestName;
  /** Signed attributes by OID (values as ASN.1 nodes), or undefined when the signer used none. */
  signedAttributes?: ReadonlyMap<string, readonly Asn1[]>;
}

export interface VerifiedSignedData {
  contentType: string;
  content: Buffer;
  signer: VerifiedSigner;
  signers: VerifiedSigner[];
  /** DER of every certificate the message carried (chain candidates for a TrustStore). */
  certificates: Buffer[];
}

/**
 * Checks every signature and the content-type and message-digest attributes, and returns the
 * signer. It does not decide whether the signer is trusted: pass the result to a TrustStore, or
 * compare `signer.certificate.sha256` with the certificate an enrollment is bound to.
 */
export function verifySignedData(der: Uint8Array, options: VerifyOptions = {}): VerifiedSignedData {
  const parsed = parseSignedData(der, options);
  const content = resolveContent(parsed, options.detachedContent);
  if (parsed.signerInfos.length === 0) throw new CmsError('malformed', 'SignedData has no signers');
  if (parsed.signerInfos.length > 1 && !options.allowMultipleSigners) {
    throw new CmsError('unsupported', `expected one signer, found ${parsed.signerInfos.length}`);
  }
  const cache = options.certificateCache ?? defaultCertificateCache;
  const certificates = parsed.certificates.map((node) => ({ node, der: toDer(node) }));
  const signers = parsed.signerInfos.map((info) =>
    verifySigner(info, parsed.contentType, content, certificates, cache),
  );
  return {
    contentType: parsed.contentType,
    content,
    signer: signers[0] as VerifiedSigner,
    signers,
    certificates: certificates.map((c) => c.der),
  };
}

function resolveContent(parsed: ParsedSignedData, detached: Uint8Array | undefined): Buffer {
  if (parsed.content && detached) {
    throw new CmsError('malformed', 'content is both encapsulated and supplied as detached');
  }
  if (parsed.content) return parsed.content;
  if (detached) return Buffer.from(detached.buffer, detached.byteOffset, detached.byteLength);
  throw new CmsError('malformed', 'detached signature but no content was supplied');
}

function verifySigner(
  info: ParsedSignerInfo,
  contentType: string,
  content: Buffer,
  certificates: { node: Asn1; der: Buffer }[],
  cache: CertificateCache,
): VerifiedSigner {
  const digest = digestByOid(info.digestOid);
  const algorithm = signatureByOid(info.signatureOid);
  const match = certificates.find((candidate) => identifies(info, candidate.node));
  if (!match) throw new CmsError('malformed', 'the signer certificate is not in the message');
  const certificate = cache.get(match.der);
  if (certificate.publicKey.asymmetricKeyType !== algorithm.key) {
    throw new CmsError('bad-signature', 'signature algorithm does not match the signer key');
  }
  let signedBytes = content;
  let signedAttributes: Map<string, Asn1[]> | undefined;
  if (info.signedAttrs) {
    signedAttributes = attributesByOid(info.signedAttrs);
    checkSignedAttributes(signedAttributes, contentType, digest, content);
    signedBytes = signedAttributesDer(info.signedAttrs);
  } else if (contentType !== OID.data) {
    // RFC 5652 §5.3: without signed attributes the content type is implicitly id-data.
    throw new CmsError('malformed', 'signed attributes are required for non-data content');
  }
  let valid: boolean;
  try {
    valid = verify(algorithm.digest ?? digest, signedBytes, certificate.publicKey, info.signature);
  } catch (error) {
    throw new CmsError('bad-signature', 'signature could not be checked', { cause: error });
  }
  if (!valid) throw new CmsError('bad-signature', 'signature does not verify');
  const signer: VerifiedSigner = { certificate, digest };
  if (signedAttributes) signer.signedAttributes = signedAttributes;
  return signer;
}

function checkSignedAttributes(
  attributes: Map<string, Asn1[]>,
  contentType: string,
  digest: DigestName,
  content: Buffer,
): void {
  const types = attributes.get(OID.contentType);
  const digests = attributes.get(OID.messageDigest);
  if (types?.length !== 1 || digests?.length !== 1) {
    throw new CmsError('malformed', 'content-type and message-digest attributes must have one value');
  }
  if (oid(types[0], 'content-type attribute') !== contentType) {
    throw new CmsError('bad-signature', 'content-type attribute does not match eContentType');
  }
  const expected = createHash(digest).update(content).digest();
  if (!octets(digests[0], 'message-digest attribute').equals(expected)) {
    throw new CmsError('bad-signature', 'message digest does not match the content');
  }
}

function identifies(info: ParsedSignerInfo, certificate: Asn1): boolean {
  const fields = certificateFields(certificate);
  if (info.sid.kind === 'subject-key-id') {
    return fields.subjectKeyId?.equals(info.sid.keyId) ?? false;
  }
  return serialBytes(fields).equals(info.sid.serial) && sameEncoding(fields.issuer, info.sid.issuer);
}
