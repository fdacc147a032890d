// Bounded parsing of untrusted BER/DER with node-forge, and small typed accessors over its nodes.
import forge from 'node-forge';
import { CmsError } from './cms-error.js';

export type Asn1 = forge.asn1.Asn1;
export const asn1 = forge.asn1;
const { Class, Type } = forge.asn1;

/** forge 1.4 takes an options object that @types/node-forge has not caught up with. */
const fromDer = forge.asn1.fromDer as unknown as (
  bytes: forge.util.ByteStringBuffer,
  options: { strict?: boolean; parseAllBytes?: boolean; decodeBitStrings?: boolean; maxDepth?: number },
) => Asn1;

/** Limits for untrusted input: real CMS is a few KB and about a dozen levels deep. */
export interface DerLimits {
  maxBytes?: number;
  maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 32;

/**
 * Parses one complete BER/DER element (indefinite lengths allowed: Apple devices send them).
 * forge's own depth cap turns a nesting bomb into a typed error long before the stack is at risk,
 * and `parseAllBytes` refuses trailing bytes after the element.
 */
export function parseDer(input: Uint8Array, limits: DerLimits = {}): Asn1 {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (input.length > maxBytes) {
    throw new CmsError('too-large', `input of ${input.length} bytes exceeds the ${maxBytes}-byte cap`);
  }
  if (input.length < 2) throw new CmsError('malformed', 'input is empty or truncated');
  try {
    return fromDer(forge.util.createBuffer(binary(input)), {
      strict: true,
      parseAllBytes: true,
      decodeBitStrings: false,
      maxDepth: limits.maxDepth ?? DEFAULT_MAX_DEPTH,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('Max depth')) {
      throw new CmsError('too-large', 'ASN.1 nesting exceeds the depth cap', { cause: error });
    }
    if (message.includes('Unparsed DER bytes')) {
      throw new CmsError('malformed', 'trailing bytes after the ASN.1 element', { cause: error });
    }
    throw new CmsError('malformed', `invalid BER/DER: ${message}`, { cause: error });
  }
}

export function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function bytesOf(value: string): Buffer {
  return Buffer.from(value, 'latin1');
}

export function toDer(node: Asn1): Buffer {
  return bytesOf(asn1.toDer(node).getBytes());
}

function describe(node: Asn1 | undefined): string {
  return node ? `class ${node.tagClass} tag ${node.type}` : 'nothing';
}

/** The children of a constructed node; `what` names the field for the error message. */
export function children(node: Asn1 | undefined, what: string): Asn1[] {
  if (!node || !Array.isArray(node.value)) {
    throw new CmsError('malformed', `${what}: expected a constructed value, got ${describe(node)}`);
  }
  return node.value;
}

export function expectUniversal(node: Asn1 | undefined, type: number, what: string): Asn1 {
  if (!node || node.tagClass !== Class.UNIVERSAL || (node.type as number) !== type) {
    throw new CmsError('malformed', `${what}: expected universal tag ${type}, got ${describe(node)}`);
  }
  return node;
}

export function sequence(node: Asn1 | undefined, what: string): Asn1[] {
  return children(expectUniversal(node, Type.SEQUENCE, what), what);
}

export function set(node: Asn1 | undefined, what: string): Asn1[] {
  return children(expectUniversal(node, Type.SET, what), what);
}

export function oid(node: Asn1 | undefined, what: string): string {
  const value = expectUniversal(node, Type.OID, what).value;
  if (typeof value !== 'string') throw new CmsError('malformed', `${what}: invalid OID`);
  return asn1.derToOid(value);
}

export function isContext(node: Asn1 | undefined, tag: number): node is Asn1 {
  return node !== undefined && node.tagClass === Class.CONTEXT_SPECIFIC && (node.type as number) === tag;
}

/** An OCTET STRING's bytes, joining the chunks of a BER constructed encoding (`openssl -stream`). */
export function octets(node: Asn1 | undefined, what: string, depth = 0): Buffer {
  if (!node || depth > 4 || (node.type !== Type.OCTETSTRING && node.tagClass === Class.UNIVERSAL)) {
    throw new CmsError('malformed', `${what}: expected an OCTET STRING, got ${describe(node)}`);
  }
  if (typeof node.value === 'string') return bytesOf(node.value);
  return Buffer.concat(node.value.map((chunk) => octets(chunk, what, depth + 1)));
}

/** An INTEGER's two's-complement bytes as stored. */
export function integerBytes(node: Asn1 | undefined, what: string): Buffer {
  const value = expectUniversal(node, Type.INTEGER, what).value;
  if (typeof value !== 'string') throw new CmsError('malformed', `${what}: invalid INTEGER`);
  return bytesOf(value);
}

/** The OID of an AlgorithmIdentifier (parameters are read by the caller when they matter). */
export function algorithmOid(node: Asn1 | undefined, what: string): string {
  return oid(sequence(node, what)[0], what);
}

export function algorithmIdentifier(oidText: string, parameters: Asn1 | null = nullValue()): Asn1 {
  const parts = [asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(oidText).getBytes())];
  if (parameters) parts.push(parameters);
  return asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, parts);
}

export function nullValue(): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.NULL, false, '');
}

export function oidNode(oidText: string): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(oidText).getBytes());
}

export function octetString(bytes: Uint8Array): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, binary(bytes));
}

export function integer(value: number): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

/** A node re-read from DER, so an existing encoding (a certificate) can be embedded unchanged. */
export function embed(der: Uint8Array): Asn1 {
  return fromDer(forge.util.createBuffer(binary(der)), { decodeBitStrings: false });
}
