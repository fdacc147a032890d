// Certificate serial numbers (RFC 5280 §4.1.2.2): random, positive, at most 20 octets.
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';

const SERIAL_BYTES = 16;

/**
 * 16 random bytes with the top bit cleared (so the DER INTEGER is positive without a pad byte)
 * and the next bit set (so the hex form never starts with zeros and always has 32 digits):
 * 126 bits of entropy, well above the 64 that CA/Browser Forum rules ask for. Uniqueness is
 * enforced by the certificates table, not assumed.
 */
export function generateSerialNumber(): Buffer {
  const serial = randomBytes(SERIAL_BYTES);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

/** The canonical text form used in the database and in logs: lowercase hex, no leading zeros. */
export function serialToHex(serial: Uint8Array): string {
  return Buffer.from(serial)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');
}

/** Minimal positive big-endian bytes of a hex serial, for building DER INTEGERs. */
export function serialFromHex(hex: string): Buffer {
  if (!/^[0-9a-f]{1,40}$/i.test(hex)) throw new RangeError(`"${hex}" is not a serial number in hex`);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/** A DER INTEGER that stays positive: a pad byte goes in front when the top bit is set (X.690 §8.3). */
export function serialInteger(serial: Uint8Array): asn1js.Integer {
  const bytes = serial[0]! & 0x80 ? Buffer.concat([Buffer.of(0), serial]) : Buffer.from(serial);
  return new asn1js.Integer({ valueHex: bytes });
}
