// Builders for the X.509 v3 extensions Keep writes (RFC 5280 §4.2.1).
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import * as asn1js from 'asn1js';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  DistributionPoint,
  ExtKeyUsage,
  Extension,
  GeneralName,
  GeneralNames,
  PublicKeyInfo,
} from 'pkijs';

/** RFC 5280 §4.2.1.3, in bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

/** RFC 5280 §4.2.1.12. */
export const EXTENDED_KEY_USAGE = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
} as const;
export type ExtendedKeyUsage = keyof typeof EXTENDED_KEY_USAGE;

/** A subjectAltName entry (RFC 5280 §4.2.1.6). */
export type SubjectAltName =
  | { type: 'dns'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'email'; value: string }
  | { type: 'ip'; value: string };

function extension(extnID: string, critical: boolean, value: { toBER(sizeOnly?: boolean): ArrayBuffer }) {
  return new Extension({ extnID, critical, extnValue: value.toBER(false) });
}

export function basicConstraints(ca: false | { pathLength: number }): Extension {
  const value = ca
    ? new BasicConstraints({ cA: true, pathLenConstraint: ca.pathLength })
    : new BasicConstraints({ cA: false });
  return extension('2.5.29.19', true, value.toSchema());
}

export function keyUsage(usages: readonly KeyUsage[]): Extension {
  const bits = usages.map((usage) => KEY_USAGE_BITS.indexOf(usage));
  const last = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(last / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  // DER drops trailing zero bits (X.690 §11.2.2), so the unused count ends at the last set bit.
  const unusedBits = bytes.length * 8 - (last + 1);
  return extension('2.5.29.15', true, new asn1js.BitString({ valueHex: bytes, unusedBits }));
}

export function extendedKeyUsage(usages: readonly ExtendedKeyUsage[]): Extension {
  const value = new ExtKeyUsage({ keyPurposes: usages.map((usage) => EXTENDED_KEY_USAGE[usage]) });
  return extension('2.5.29.37', false, value.toSchema());
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifierOf(spki: Uint8Array): Buffer {
  const info = PublicKeyInfo.fromBER(spki);
  return createHash('sha1').update(info.subjectPublicKey.valueBlock.valueHexView).digest();
}

export function subjectKeyIdentifier(keyId: Uint8Array): Extension {
  return extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId }));
}

export function authorityKeyIdentifier(keyId: Uint8Array): Extension {
  const value = new AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: keyId }) });
  return extension('2.5.29.35', false, value.toSchema());
}

function generalName(name: SubjectAltName): GeneralName {
  switch (name.type) {
    case 'email':
      return new GeneralName({ type: 1, value: name.value });
    case 'dns':
      return new GeneralName({ type: 2, value: name.value });
    case 'uri':
      return new GeneralName({ type: 6, value: name.value });
    case 'ip':
      return new GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipBytes(name.value) }) });
  }
}

function ipBytes(ip: string): Uint8Array {
  const family = isIP(ip);
  if (family === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (family !== 6) throw new RangeError(`"${ip}" is not an IP address`);
  const [head = '', tail = ''] = ip.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = ip.includes('::')
    ? [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)]
    : groups(head);
  const values = all.map((group) => parseInt(group, 16));
  if (values.length !== 8 || values.some((value) => Number.isNaN(value)))
    throw new RangeError(`"${ip}" is an IPv6 form Keep does not write; use plain hex groups`);
  return Uint8Array.from(values.flatMap((value) => [value >> 8, value & 0xff]));
}

export function subjectAltName(names: readonly SubjectAltName[]): Extension {
  return extension('2.5.29.17', false, new GeneralNames({ names: names.map(generalName) }).toSchema());
}

export function crlDistributionPoint(url: string): Extension {
  const value = new CRLDistributionPoints({
    distributionPoints: [
      new DistributionPoint({ distributionPoint: [new GeneralName({ type: 6, value: url })] }),
    ],
  });
  return extension('2.5.29.31', false, value.toSchema());
}
