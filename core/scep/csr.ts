// PKCS#10 certification requests (RFC 2986) as SCEP carries them: parsed, and their signature checked.
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { CmsError } from '../cms/index.js';
import { assertAcceptableKey } from '../cms/certificate-cache.js';
import type { Asn1 } from '../cms/der.js';
import {
  algorithmOid,
  children,
  isContext,
  octets,
  oid,
  parseDer,
  sequence,
  set,
  toDer,
} from '../cms/der.js';
import { signatureByOid } from '../cms/oids.js';
import { ScepError } from './scep-error.js';

const { Class, Type } = forge.asn1;

const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const SUBJECT_ALT_NAME = '2.5.29.17';

export interface NameAttribute {
  oid: string;
  /** Short name (CN, O, …) when forge knows the OID. */
  shortName?: string;
  value: string;
}

export interface CertificationRequest {
  der: Buffer;
  /** The subject Name exactly as encoded, for a CA to copy unchanged. */
  subjectDer: Buffer;
  subject: NameAttribute[];
  publicKey: KeyObject;
  /** Secret: never log it. */
  challengePassword?: string;
  dnsNames: string[];
  emails: string[];
  uris: string[];
  /** The raw requested extensions (extnID → DER of the Extension), for a CA policy to inspect. */
  extensions: Map<string, Buffer>;
}

/** Parses a CSR and verifies its self-signature with Node's crypto; throws ScepError('bad-request'). */
export function parseCertificationRequest(der: Buffer): CertificationRequest {
  try {
    return parse(der);
  } catch (error) {
    if (error instanceof ScepError) throw error;
    const code = error instanceof CmsError && error.code === 'unsupported' ? 'unsupported' : 'bad-request';
    throw new ScepError(code, `invalid certification request: ${(error as Error).message}`, { cause: error });
  }
}

function parse(der: Buffer): CertificationRequest {
  const [info, algorithm, signatureBits] = sequence(
    parseDer(der, { maxBytes: 64 * 1024 }),
    'CertificationRequest',
  );
  const [, subject, spki, attributes] = sequence(info, 'CertificationRequestInfo');
  sequence(subject, 'subject');
  let publicKey: KeyObject;
  try {
    sequence(spki, 'subjectPKInfo');
    publicKey = createPublicKey({ key: toDer(spki as Asn1), format: 'der', type: 'spki' });
  } catch (error) {
    throw new ScepError('unsupported', 'unreadable CSR public key', { cause: error });
  }
  assertAcceptableKey(publicKey);
  const signatureAlgorithm = signatureByOid(algorithmOid(algorithm, 'signatureAlgorithm'));
  if (!signatureAlgorithm.digest)
    throw new CmsError('unsupported', 'CSR signature algorithm names no digest');
  if (signatureAlgorithm.key !== publicKey.asymmetricKeyType) {
    throw new ScepError('bad-request', 'CSR signature algorithm does not match its key');
  }
  if (!signatureBits || signatureBits.type !== Type.BITSTRING || typeof signatureBits.value !== 'string') {
    throw new ScepError('bad-request', 'CSR signature is not a BIT STRING');
  }
  const signature = Buffer.from(signatureBits.value, 'latin1').subarray(1);
  if (!verify(signatureAlgorithm.digest, toDer(info as Asn1), publicKey, signature)) {
    throw new ScepError('bad-request', 'CSR signature does not verify');
  }
  const request: CertificationRequest = {
    der,
    subjectDer: toDer(subject as Asn1),
    subject: nameAttributes(subject as Asn1),
    publicKey,
    dnsNames: [],
    emails: [],
    uris: [],
    extensions: new Map(),
  };
  if (isContext(attributes, 0)) {
    for (const attribute of children(attributes, 'attributes')) {
      const [type, values] = sequence(attribute, 'Attribute');
      const value = set(values, 'Attribute.values')[0];
      const attributeOid = oid(type, 'Attribute.type');
      if (attributeOid === CHALLENGE_PASSWORD && value && typeof value.value === 'string') {
        request.challengePassword = value.value;
      } else if (attributeOid === EXTENSION_REQUEST) {
        for (const extension of sequence(value, 'Extensions')) readExtension(extension, request);
      }
    }
  }
  return request;
}

function readExtension(extension: Asn1, request: CertificationRequest): void {
  const parts = sequence(extension, 'Extension');
  const extensionOid = oid(parts[0], 'extnID');
  request.extensions.set(extensionOid, toDer(extension));
  if (extensionOid !== SUBJECT_ALT_NAME) return;
  const names = sequence(parseDer(octets(parts[parts.length - 1], 'extnValue')), 'GeneralNames');
  for (const name of names) {
    if (name.tagClass !== Class.CONTEXT_SPECIFIC || typeof name.value !== 'string') continue;
    // GeneralName tags (RFC 5280 §4.2.1.6): [1] rfc822Name, [2] dNSName, [6] URI.
    const tag = name.type as number;
    if (tag === 2) request.dnsNames.push(name.value);
    else if (tag === 1) request.emails.push(name.value);
    else if (tag === 6) request.uris.push(name.value);
  }
}

function nameAttributes(name: Asn1): NameAttribute[] {
  const rdnAttributes = (
    forge.pki as unknown as { RDNAttributesAsArray: (rdn: Asn1) => forge.pki.CertificateField[] }
  ).RDNAttributesAsArray;
  return rdnAttributes(name).map((field) => {
    const attribute: NameAttribute = { oid: field.type ?? '', value: String(field.value) };
    if (field.shortName) attribute.shortName = field.shortName;
    return attribute;
  });
}
