// Structural parse of a ContentInfo holding SignedData (RFC 5652 §3, §5), with no cryptography.
import forge from 'node-forge';
import { CmsError } from './cms-error.js';
import type { Asn1, DerLimits } from './der.js';
import {
  algorithmOid,
  children,
  integerBytes,
  isContext,
  octets,
  oid,
  parseDer,
  sequence,
  set,
  toDer,
} from './der.js';
import { OID } from './oids.js';

/** SignerIdentifier (RFC 5652 §5.3). */
export type SignerIdentifier =
  { kind: 'issuer-and-serial'; issuer: Asn1; serial: Buffer } | { kind: 'subject-key-id'; keyId: Buffer };

export interface ParsedSignerInfo {
  sid: SignerIdentifier;
  digestOid: string;
  /** The `[0] IMPLICIT SignedAttributes` node as received, when present. */
  signedAttrs?: Asn1;
  signatureOid: string;
  signature: Buffer;
}

export interface ParsedSignedData {
  /** eContentType of the EncapsulatedContentInfo. */
  contentType: string;
  /** eContent, or undefined for a detached signature. */
  content?: Buffer;
  /** The certificates field, as parsed nodes (other CertificateChoices are skipped). */
  certificates: Asn1[];
  signerInfos: ParsedSignerInfo[];
}

/** Parses `der` as ContentInfo → SignedData; the whole input must be that one element. */
export function parseSignedData(der: Uint8Array, limits: DerLimits = {}): ParsedSignedData {
  const contentInfo = sequence(parseDer(der, limits), 'ContentInfo');
  const contentType = oid(contentInfo[0], 'ContentInfo.contentType');
  if (contentType !== OID.signedData) {
    throw new CmsError('malformed', `ContentInfo holds ${contentType}, not SignedData`);
  }
  if (!isContext(contentInfo[1], 0)) throw new CmsError('malformed', 'ContentInfo without content');
  const fields = sequence(children(contentInfo[1], 'ContentInfo.content')[0], 'SignedData');
  integerBytes(fields[0], 'SignedData.version');
  set(fields[1], 'SignedData.digestAlgorithms');
  const encap = sequence(fields[2], 'EncapsulatedContentInfo');
  const parsed: ParsedSignedData = {
    contentType: oid(encap[0], 'eContentType'),
    certificates: [],
    signerInfos: [],
  };
  if (encap[1] !== undefined) {
    if (!isContext(encap[1], 0)) throw new CmsError('malformed', 'eContent is not [0] EXPLICIT');
    parsed.content = octets(children(encap[1], 'eContent')[0], 'eContent');
  }
  let index = 3;
  if (isContext(fields[index], 0)) {
    parsed.certificates = children(fields[index], 'certificates').filter(
      (node) => node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === forge.asn1.Type.SEQUENCE,
    );
    index++;
  }
  if (isContext(fields[index], 1)) index++; // crls: Keep does not consult them
  parsed.signerInfos = set(fields[index], 'SignedData.signerInfos').map(parseSignerInfo);
  if (fields.length > index + 1) throw new CmsError('malformed', 'unexpected fields after signerInfos');
  return parsed;
}

function parseSignerInfo(node: Asn1): ParsedSignerInfo {
  const fields = sequence(node, 'SignerInfo');
  integerBytes(fields[0], 'SignerInfo.version');
  const sidNode = fields[1];
  let sid: SignerIdentifier;
  if (isContext(sidNode, 0)) {
    sid = { kind: 'subject-key-id', keyId: octets(sidNode, 'subjectKeyIdentifier') };
  } else {
    const parts = sequence(sidNode, 'IssuerAndSerialNumber');
    sequence(parts[0], 'IssuerAndSerialNumber.issuer');
    sid = {
      kind: 'issuer-and-serial',
      issuer: parts[0] as Asn1,
      serial: integerBytes(parts[1], 'IssuerAndSerialNumber.serialNumber'),
    };
  }
  const digestOid = algorithmOid(fields[2], 'SignerInfo.digestAlgorithm');
  let index = 3;
  let signedAttrs: Asn1 | undefined;
  if (isContext(fields[index], 0)) {
    signedAttrs = fields[index];
    index++;
  }
  const signatureOid = algorithmOid(fields[index], 'SignerInfo.signatureAlgorithm');
  const signature = octets(fields[index + 1], 'SignerInfo.signature');
  const info: ParsedSignerInfo = { sid, digestOid, signatureOid, signature };
  if (signedAttrs) info.signedAttrs = signedAttrs;
  return info;
}

/** Attributes (RFC 5652 §5.3) by OID; a repeated attribute type is refused as ambiguous. */
export function attributesByOid(node: Asn1): Map<string, Asn1[]> {
  const attributes = new Map<string, Asn1[]>();
  for (const attribute of children(node, 'attributes')) {
    const parts = sequence(attribute, 'Attribute');
    const type = oid(parts[0], 'Attribute.attrType');
    if (attributes.has(type)) throw new CmsError('malformed', `attribute ${type} appears twice`);
    attributes.set(type, set(parts[1], 'Attribute.attrValues'));
  }
  return attributes;
}

/** The DER a signature over signed attributes covers: the same attributes tagged as a SET OF. */
export function signedAttributesDer(signedAttrs: Asn1): Buffer {
  const { Class, Type } = forge.asn1;
  return toDer(forge.asn1.create(Class.UNIVERSAL, Type.SET, true, children(signedAttrs, 'signedAttrs')));
}

/** The certificates of a SignedData, e.g. a degenerate certs-only bag (RFC 8894 §4.2.1.2). */
export function readCertificates(der: Uint8Array, limits: DerLimits = {}): Buffer[] {
  return parseSignedData(der, limits).certificates.map(toDer);
}
