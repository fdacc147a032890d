// Parses untrusted XML property lists from devices safely, and serialises the server's plists.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { build, parse, type PlistValue } from 'plist';

export type { PlistValue };
export type PlistDict = { [key: string]: PlistValue };

export type PlistErrorCode =
  | 'too-large'
  | 'binary'
  | 'not-xml'
  | 'doctype'
  | 'entity'
  | 'too-deep'
  | 'forbidden-key'
  | 'malformed'
  | 'not-a-dictionary';

export class PlistError extends Error {
  override readonly name = 'PlistError';
  constructor(
    readonly code: PlistErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface PlistParseOptions {
  /** Largest accepted body in bytes (UTF-8); an Authenticate is ~1 KiB, a large report ~100 KiB. */
  maxBytes?: number;
  /** Deepest accepted nesting of <dict>/<array>; real MDM messages stay under 10. */
  maxDepth?: number;
}

export const DEFAULT_MAX_PLIST_BYTES = 1024 * 1024;
export const DEFAULT_MAX_PLIST_DEPTH = 64;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const PREDEFINED_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const ENTITY_DECL = /<!ENTITY/i;
const DOCTYPE = /<!DOCTYPE/gi;
const CONTAINER_TAG = /<(?:dict|array)/g;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses an XML plist from a device. Every check that guards the XML parser (size, binary,
 * DOCTYPE/entities, depth) runs on the raw text first, so hostile input never reaches it.
 */
export function parsePlist(input: string | Uint8Array, options: PlistParseOptions = {}): PlistValue {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PLIST_BYTES;
  const text = toText(input, maxBytes);
  assertSafeXml(text, options.maxDepth ?? DEFAULT_MAX_PLIST_DEPTH);
  let value: PlistValue;
  try {
    value = parse(text);
  } catch (cause) {
    if (cause instanceof Error && cause.message.includes('__proto__')) {
      throw new PlistError('forbidden-key', 'plist key "__proto__" is not allowed', { cause });
    }
    throw new PlistError('malformed', 'plist is not well-formed', { cause });
  }
  assertNoForbiddenKeys(value);
  assertValidDates(value);
  return value;
}

/** Parses a plist whose top level must be a dictionary, as every MDM message is. */
export function parsePlistDict(input: string | Uint8Array, options?: PlistParseOptions): PlistDict {
  const value = parsePlist(input, options);
  if (!isPlistDict(value)) throw new PlistError('not-a-dictionary', 'plist top level is not a dictionary');
  return value;
}

export function buildPlist(value: PlistValue): string {
  return build(value);
}

export function isPlistDict(value: PlistValue | undefined): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  );
}

function toText(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    // A UTF-8 string is never shorter in bytes than in UTF-16 code units, so the length is a cheap lower bound.
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) {
      throw new PlistError('too-large', `plist exceeds ${maxBytes} bytes`);
    }
    if (input.startsWith('bplist')) throw binaryError();
    return input;
  }
  if (input.byteLength > maxBytes) throw new PlistError('too-large', `plist exceeds ${maxBytes} bytes`);
  if (
    Buffer.from(input.buffer, input.byteOffset, Math.min(6, input.byteLength)).toString('latin1') === 'bplist'
  ) {
    throw binaryError();
  }
  try {
    return utf8.decode(input);
  } catch (cause) {
    throw new PlistError('malformed', 'plist is not valid UTF-8', { cause });
  }
}

function binaryError(): PlistError {
  return new PlistError('binary', 'binary plists are not accepted; send an XML plist');
}

function assertSafeXml(text: string, maxDepth: number): void {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  // The plist package would otherwise read `{…}` as an OpenStep plist.
  if (!start.startsWith('<')) throw new PlistError('not-xml', 'plist is not XML');
  if (ENTITY_DECL.test(text)) throw new PlistError('entity', 'entity declarations are not allowed');
  const doctypes = text.match(DOCTYPE);
  if (doctypes) {
    // Apple's own DOCTYPE names an external DTD that parsers here never fetch; a subset `[…]` could define entities.
    if (doctypes.length > 1) throw new PlistError('doctype', 'more than one DOCTYPE');
    const at = text.search(DOCTYPE);
    const end = text.indexOf('>', at);
    if (end === -1 || text.slice(at, end).includes('[')) {
      throw new PlistError('doctype', 'a DOCTYPE with an internal subset is not allowed');
    }
  }
  if (PREDEFINED_ENTITY.test(text)) {
    throw new PlistError('entity', 'only the predefined XML entities and character references are allowed');
  }
  assertDepth(text, maxDepth);
}

/**
 * Measures <dict>/<array> nesting in a real XML parse, so that nothing a hand-written scan could
 * misread (attribute values holding "/>", processing instructions, comments, CDATA) changes the count.
 * The validator admits only well-formed XML, whose element tree every parser agrees on, so the depth
 * measured here is the depth the plist parser will recurse through. Both passes are iterative, and
 * `maxNestedTags` stops the tree from growing past the limit before it is walked.
 */
function assertDepth(text: string, maxDepth: number): void {
  if (containerTagsAtMost(text, maxDepth)) return;
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    // The code and position only: the validator's own message quotes the input back.
    const { code, line, col } = valid.err;
    throw new PlistError(
      'malformed',
      `plist is not well-formed XML (${code} at line ${line}, column ${col})`,
    );
  }
  let tree: XmlNode[];
  try {
    // <plist>, then the containers, then one leaf element: anything deeper is refused by the walk or here.
    tree = depthParser(maxDepth + 1).parse(text) as XmlNode[];
  } catch (cause) {
    if (cause instanceof Error && cause.message.includes('nested tags')) {
      throw new PlistError('too-deep', `plist nesting exceeds ${maxDepth}`, { cause });
    }
    throw new PlistError('malformed', 'plist is not well-formed', { cause });
  }
  const stack: { children: XmlNode[]; depth: number }[] = [{ children: tree, depth: 0 }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    for (const node of frame.children) {
      for (const name of Object.keys(node)) {
        const children = node[name];
        if (!Array.isArray(children)) continue;
        const depth = name === 'dict' || name === 'array' ? frame.depth + 1 : frame.depth;
        if (depth > maxDepth) throw new PlistError('too-deep', `plist nesting exceeds ${maxDepth}`);
        stack.push({ children, depth });
      }
    }
  }
}

/**
 * Whether the text holds at most `limit` occurrences of "<dict" or "<array". Every container element
 * starts with one, so its nesting cannot be deeper, whatever the rest of the text says: most device
 * messages (an Idle check-in, an Authenticate) are answered here without a second parse.
 */
function containerTagsAtMost(text: string, limit: number): boolean {
  CONTAINER_TAG.lastIndex = 0;
  for (let count = 0; CONTAINER_TAG.exec(text);) if (++count > limit) return false;
  return true;
}

/** A node of fast-xml-parser's `preserveOrder` tree: `{ tagName: children }`, or `{ '#text': value }`. */
type XmlNode = Record<string, unknown>;

const depthParsers = new Map<number, XMLParser>();

function depthParser(maxNestedTags: number): XMLParser {
  let parser = depthParsers.get(maxNestedTags);
  if (!parser) {
    // Only the element structure matters here: no entities, attributes or value conversion.
    parser = new XMLParser({
      preserveOrder: true,
      maxNestedTags,
      processEntities: false,
      ignoreAttributes: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      parseTagValue: false,
    });
    depthParsers.set(maxNestedTags, parser);
  }
  return parser;
}

function assertNoForbiddenKeys(root: PlistValue): void {
  const stack: PlistValue[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const element of value) stack.push(element);
    } else if (isPlistDict(value)) {
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key))
          throw new PlistError('forbidden-key', `plist key "${key}" is not allowed`);
        stack.push(value[key] as PlistValue);
      }
    }
  }
}

/** The plist package turns an unreadable <date> into an Invalid Date, which throws only later, far from the parser. */
function assertValidDates(root: PlistValue): void {
  const stack: PlistValue[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime()))
        throw new PlistError('malformed', 'plist <date> is not a valid date');
    } else if (Array.isArray(value)) {
      for (const element of value) stack.push(element);
    } else if (isPlistDict(value)) {
      for (const key of Object.keys(value)) stack.push(value[key] as PlistValue);
    }
  }
}
