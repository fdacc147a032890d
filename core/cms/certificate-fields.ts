// The few TBSCertificate fields CMS needs (RFC 5280 §4.1): issuer, serial, subject and the key identifier.
import forge from 'node-forge';
import type { Asn1 } from './der.js';
import { bytesOf, children, isContext, octets, oid, parseDer, sequence, toDer } from './der.js';
import { OID } from './oids.js';

export interface CertificateFields {
  serial: Asn1;
  issuer: Asn1;
  subject: Asn1;
  /** The subjectKeyIdentifier extension's value, when present. */
  subjectKeyId?: Buffer;
}

export function certificateFields(certificate: Asn1): CertificateFields {
  const tbs = sequence(sequence(certificate, 'Certificate')[0], 'TBSCertificate');
  // version is [0] EXPLICIT and absent for v1 certificates.
  const offset = isContext(tbs[0], 0) ? 1 : 0;
  const serial = tbs[offset];
  const issuer = tbs[offset + 2];
  const subject = tbs[offset + 4];
  if (!serial || !issuer || !subject) throw new Error('unreachable: validated by sequence()');
  sequence(issuer, 'issuer');
  sequence(subject, 'subject');
  const fields: CertificateFields = { serial, issuer, subject };
  const extensions = tbs.slice(offset + 6).find((node) => isContext(node, 3));
  if (extensions) {
    for (const extension of sequence(children(extensions, 'extensions')[0], 'extensions')) {
      const parts = sequence(extension, 'Extension');
      if (oid(parts[0], 'extnID') !== OID.subjectKeyIdentifier) continue;
      const inner = parseDer(octets(parts[parts.length - 1], 'extnValue'));
      fields.subjectKeyId = octets(inner, 'SubjectKeyIdentifier');
    }
  }
  return fields;
}

export function certificateFieldsFromDer(der: Uint8Array): CertificateFields {
  return certificateFields(parseDer(der));
}

/** Whether two encoded values are the same bytes (names are compared as encoded, RFC 5280 §7.1). */
export function sameEncoding(a: Asn1, b: Asn1): boolean {
  return toDer(a).equals(toDer(b));
}

export function serialBytes(fields: CertificateFields): Buffer {
  return bytesOf(typeof fields.serial.value === 'string' ? fields.serial.value : '');
}

/** IssuerAndSerialNumber (RFC 5652 §10.2.4) of a certificate, for SignerInfo and RecipientInfo. */
export function issuerAndSerialNumber(fields: CertificateFields): Asn1 {
  const { Class, Type } = forge.asn1;
  return forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [fields.issuer, fields.serial]);
}
