// The SCEP signed attributes (RFC 8894 §3.2.1): OIDs, encoders and typed readers.
import forge from 'node-forge';
import type { SignedAttribute } from '../cms/index.js';
import { ScepError } from './scep-error.js';

const { Class, Type } = forge.asn1;

export const SCEP_OID = {
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionID: '2.16.840.1.113733.1.9.7',
} as const;

export function printable(oid: string, text: string): SignedAttribute {
  return { oid, values: [forge.asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, text)] };
}

export function nonce(oid: string, bytes: Buffer): SignedAttribute {
  return {
    oid,
    values: [forge.asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bytes.toString('latin1'))],
  };
}

type Attributes = ReadonlyMap<string, readonly forge.asn1.Asn1[]> | undefined;

function single(attributes: Attributes, oid: string, name: string): forge.asn1.Asn1 | undefined {
  const values = attributes?.get(oid);
  if (!values) return undefined;
  const [value] = values;
  if (
    values.length !== 1 ||
    !value ||
    typeof value.value !== 'string' ||
    value.tagClass !== Class.UNIVERSAL
  ) {
    throw new ScepError('malformed', `${name} attribute must hold one primitive value`);
  }
  return value;
}

/** A string attribute; PrintableString per the RFC, but any string type is read. */
export function readString(attributes: Attributes, oid: string, name: string): string | undefined {
  const value = single(attributes, oid, name);
  if (!value) return undefined;
  if (value.type === Type.OCTETSTRING || value.type === Type.INTEGER) {
    throw new ScepError('malformed', `${name} attribute is not a string`);
  }
  const text = value.value as string;
  if (text.length > 256) throw new ScepError('malformed', `${name} attribute is too long`);
  return text;
}

/** A nonce attribute: an OCTET STRING of 16 bytes (RFC 8894 §3.2.1.5). */
export function readNonce(attributes: Attributes, oid: string, name: string): Buffer | undefined {
  const value = single(attributes, oid, name);
  if (!value) return undefined;
  if (value.type !== Type.OCTETSTRING) throw new ScepError('malformed', `${name} is not an OCTET STRING`);
  const bytes = Buffer.from(value.value as string, 'latin1');
  if (bytes.length !== 16) throw new ScepError('malformed', `${name} must be 16 bytes`);
  return bytes;
}

export function readNumber(attributes: Attributes, oid: string, name: string): number | undefined {
  const text = readString(attributes, oid, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,3}$/.test(text)) throw new ScepError('malformed', `${name} is not a number`);
  return Number(text);
}
