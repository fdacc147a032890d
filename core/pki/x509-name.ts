// Distinguished names (RFC 5280 §4.1.2.4) built from the few attributes Keep sets.
import * as asn1js from 'asn1js';
import { AttributeTypeAndValue, RelativeDistinguishedNames } from 'pkijs';

export interface NameFields {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** ISO 3166 two-letter code. */
  country?: string;
}

const OID = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
} as const;

const SHORT: Record<string, string> = {
  [OID.country]: 'C',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  [OID.commonName]: 'CN',
};

/**
 * Most significant first (C, O, OU, CN), the order OpenSSL and Apple display, one attribute per
 * RDN. pkijs would put every attribute into a single multi-valued RDN ("O = x + CN = y"), so the
 * SEQUENCE OF SET is encoded here and handed to pkijs already built.
 */
export function buildName(fields: NameFields): RelativeDistinguishedNames {
  const attributes: AttributeTypeAndValue[] = [];
  const add = (type: string, value: asn1js.BaseStringBlock) =>
    attributes.push(new AttributeTypeAndValue({ type, value }));
  if (fields.country) add(OID.country, new asn1js.PrintableString({ value: fields.country }));
  if (fields.organization) add(OID.organization, new asn1js.Utf8String({ value: fields.organization }));
  if (fields.organizationalUnit)
    add(OID.organizationalUnit, new asn1js.Utf8String({ value: fields.organizationalUnit }));
  add(OID.commonName, new asn1js.Utf8String({ value: fields.commonName }));
  const sequence = new asn1js.Sequence({
    value: attributes.map((attribute) => new asn1js.Set({ value: [attribute.toSchema()] })),
  });
  return RelativeDistinguishedNames.fromBER(sequence.toBER(false));
}

/** A one-line form ("CN=…, O=…") for the database and the admin console; not for parsing. */
export function describeName(name: RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((atv) => `${SHORT[atv.type] ?? atv.type}=${String(atv.value.valueBlock.value)}`)
    .reverse()
    .join(', ');
}
