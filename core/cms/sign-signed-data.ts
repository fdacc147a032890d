// Builds CMS SignedData (RFC 5652 §5) signed with Node's native crypto, and degenerate certs-only bags.
import { createHash, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { certificateFieldsFromDer, issuerAndSerialNumber } from './certificate-fields.js';
import { CmsError } from './cms-error.js';
import type { Asn1 } from './der.js';
import { algorithmIdentifier, asn1, embed, integer, octetString, oidNode, toDer } from './der.js';
import type { DigestName } from './oids.js';
import { DIGEST_OID, ECDSA_SIGNATURE_OID, OID } from './oids.js';

const { Class, Type } = forge.asn1;

/** One signed attribute: its type and its values (RFC 5652 §5.3 Attribute). */
export interface SignedAttribute {
  oid: string;
  values: Asn1[];
}

export interface SignOptions {
  content: Uint8Array;
  /** eContentType; id-data unless the content is another CMS type. */
  contentType?: string;
  /** Leave eContent out (the receiver holds the content, as with `Mdm-Signature`). */
  detached?: boolean;
  signerCertificate: Buffer;
  signerKey: KeyObject;
  digest?: DigestName;
  /** Extra signed attributes; content-type and message-digest are always added. */
  attributes?: SignedAttribute[];
  /** Certificates to include; the signer's alone by default. */
  certificates?: Buffer[];
}

/** Returns the DER of a ContentInfo holding the SignedData. */
export function signSignedData(options: SignOptions): Buffer {
  const digest = options.digest ?? 'sha256';
  const contentType = options.contentType ?? OID.data;
  const messageDigest = createHash(digest).update(options.content).digest();
  const attributes: SignedAttribute[] = [
    { oid: OID.contentType, values: [oidNode(contentType)] },
    { oid: OID.messageDigest, values: [octetString(messageDigest)] },
    ...(options.attributes ?? []),
  ];
  // DER orders a SET OF by the encodings of its elements (X.690 §11.6).
  const encoded = attributes
    .map((attribute) => toDer(attributeNode(attribute)))
    .sort((a, b) => Buffer.compare(a, b))
    .map((der) => embed(der));
  const signedSet = asn1.create(Class.UNIVERSAL, Type.SET, true, encoded);
  const signature = sign(digest, toDer(signedSet), options.signerKey);
  const keyType = options.signerKey.asymmetricKeyType;
  let signatureAlgorithm: Asn1;
  if (keyType === 'rsa') signatureAlgorithm = algorithmIdentifier(OID.rsaEncryption);
  else if (keyType === 'ec') signatureAlgorithm = algorithmIdentifier(ECDSA_SIGNATURE_OID[digest], null);
  else throw new CmsError('unsupported', `cannot sign with a ${String(keyType)} key`);

  const signerFields = certificateFieldsFromDer(options.signerCertificate);
  const signerInfo = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    integer(1),
    issuerAndSerialNumber(signerFields),
    algorithmIdentifier(DIGEST_OID[digest], null),
    asn1.create(Class.CONTEXT_SPECIFIC, 0, true, encoded),
    signatureAlgorithm,
    octetString(signature),
  ]);
  const encapsulated: Asn1[] = [oidNode(contentType)];
  if (!options.detached) {
    encapsulated.push(asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [octetString(options.content)]));
  }
  return contentInfo({
    digestAlgorithms: [algorithmIdentifier(DIGEST_OID[digest], null)],
    encapsulated,
    certificates: options.certificates ?? [options.signerCertificate],
    signerInfos: [signerInfo],
  });
}

/**
 * A degenerate "certs-only" SignedData (RFC 8894 §3.4, RFC 5652 §5.2): no content, no signers, just
 * certificates — how SCEP ships the CA/RA chain and an issued certificate.
 */
export function buildCertsOnly(certificates: Buffer[]): Buffer {
  return contentInfo({
    digestAlgorithms: [],
    encapsulated: [oidNode(OID.data)],
    certificates,
    signerInfos: [],
  });
}

function contentInfo(parts: {
  digestAlgorithms: Asn1[];
  encapsulated: Asn1[];
  certificates: Buffer[];
  signerInfos: Asn1[];
}): Buffer {
  const signedData = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    integer(1),
    asn1.create(Class.UNIVERSAL, Type.SET, true, parts.digestAlgorithms),
    asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, parts.encapsulated),
    asn1.create(
      Class.CONTEXT_SPECIFIC,
      0,
      true,
      parts.certificates.map((der) => embed(der)),
    ),
    asn1.create(Class.UNIVERSAL, Type.SET, true, parts.signerInfos),
  ]);
  return toDer(
    asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
      oidNode(OID.signedData),
      asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [signedData]),
    ]),
  );
}

function attributeNode(attribute: SignedAttribute): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    oidNode(attribute.oid),
    asn1.create(Class.UNIVERSAL, Type.SET, true, attribute.values),
  ]);
}
