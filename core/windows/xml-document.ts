// Parses untrusted SOAP and SyncML from Windows devices into a small namespace-aware element tree.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WindowsProtocolError } from './windows-protocol-error.js';

/** An element with its namespace resolved; `text` joins its direct text and CDATA, entity references decoded. */
export interface XmlElement {
  readonly ns: string | undefined;
  readonly local: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

export interface XmlParseOptions {
  /** Largest accepted body in bytes; enrollment messages are a few KiB, a SyncML message is bounded by MaxMsgSize. */
  maxBytes?: number;
  /** Deepest accepted element nesting; SOAP enrollment reaches about 8, SyncML with Atomic about 10. */
  maxDepth?: number;
}

export const DEFAULT_MAX_XML_BYTES = 512 * 1024;
export const DEFAULT_MAX_XML_DEPTH = 32;

const DOCTYPE = /<!DOCTYPE/i;
const ENTITY_DECL = /<!ENTITY/i;
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g;
const BARE_AMPERSAND = /&(?!(?:#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);)/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const utf8 = new TextDecoder('utf-8', { fatal: true });

const parsers = new Map<number, XMLParser>();

/**
 * Parses a device's XML. The checks that protect the parser (size, DOCTYPE, entity declarations) run on the
 * raw text first; entity expansion is off in the parser, and only the five predefined entities and character
 * references are decoded afterwards, so no document can define or expand an entity of its own.
 */
export function parseXmlDocument(input: string | Uint8Array, options: XmlParseOptions = {}): XmlElement {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_XML_DEPTH;
  const text = toText(input, maxBytes);
  if (DOCTYPE.test(text)) throw new WindowsProtocolError('doctype', 'a DOCTYPE is not allowed');
  if (ENTITY_DECL.test(text)) throw new WindowsProtocolError('entity', 'entity declarations are not allowed');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    // Code and position only: the validator's message quotes the input back.
    const { code, line, col } = valid.err;
    throw new WindowsProtocolError(
      'malformed',
      `not well-formed XML (${code} at line ${line}, column ${col})`,
    );
  }
  let nodes: OrderedNode[];
  try {
    nodes = parserFor(maxDepth).parse(text) as OrderedNode[];
  } catch (cause) {
    if (cause instanceof Error && cause.message.includes('nested tags')) {
      throw new WindowsProtocolError('too-deep', `XML nesting exceeds ${maxDepth}`, { cause });
    }
    throw new WindowsProtocolError('malformed', 'not well-formed XML', { cause });
  }
  const roots = nodes.filter((node) => elementName(node) !== undefined);
  if (roots.length !== 1)
    throw new WindowsProtocolError('malformed', 'XML must have exactly one root element');
  return toElement(roots[0] as OrderedNode, new Map([['xml', XML_NS]]));
}

/** The first child with this local name (and namespace, when given). */
export function child(element: XmlElement, local: string, ns?: string): XmlElement | undefined {
  return element.children.find((c) => c.local === local && (ns === undefined || c.ns === ns));
}

export function children(element: XmlElement, local: string, ns?: string): XmlElement[] {
  return element.children.filter((c) => c.local === local && (ns === undefined || c.ns === ns));
}

/** Follows a path of local names; a missing step is a typed error naming the whole path. */
export function required(element: XmlElement, ...path: string[]): XmlElement {
  let current = element;
  for (const [i, local] of path.entries()) {
    const next = child(current, local);
    if (!next) {
      throw new WindowsProtocolError('missing-element', `missing <${path.slice(0, i + 1).join('/')}>`);
    }
    current = next;
  }
  return current;
}

/** The trimmed text at a path, or undefined when an element on it is absent. */
export function optionalText(element: XmlElement, ...path: string[]): string | undefined {
  let current: XmlElement | undefined = element;
  for (const local of path) current = current && child(current, local);
  return current?.text.trim();
}

/** An attribute by local name, whatever prefix the client chose for it. */
export function attribute(element: XmlElement, local: string): string | undefined {
  for (const [name, value] of element.attributes) {
    if (name === local || name.endsWith(`:${local}`)) return value;
  }
  return undefined;
}

function toText(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) {
      throw new WindowsProtocolError('too-large', `message exceeds ${maxBytes} bytes`);
    }
    return input;
  }
  if (input.byteLength > maxBytes)
    throw new WindowsProtocolError('too-large', `message exceeds ${maxBytes} bytes`);
  try {
    return utf8.decode(input);
  } catch (cause) {
    throw new WindowsProtocolError('not-utf8', 'message is not valid UTF-8', { cause });
  }
}

function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (!parser) {
    parser = new XMLParser({
      preserveOrder: true,
      maxNestedTags: maxDepth,
      processEntities: false,
      htmlEntities: false,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      cdataPropName: '#cdata',
      ignoreDeclaration: true,
      ignorePiTags: true,
    });
    parsers.set(maxDepth, parser);
  }
  return parser;
}

/** fast-xml-parser's `preserveOrder` node: `{ name: children, ':@'?: attributes }` or `{ '#text': value }`. */
type OrderedNode = Record<string, unknown>;

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#cdata');
}

function toElement(node: OrderedNode, scope: ReadonlyMap<string, string>): XmlElement {
  const name = elementName(node) as string;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  const attributes = new Map<string, string>();
  const inScope = new Map(scope);
  for (const [key, raw] of Object.entries(rawAttributes)) {
    const value = decodeReferences(raw);
    if (key === 'xmlns') inScope.set('', value);
    else if (key.startsWith('xmlns:')) inScope.set(key.slice('xmlns:'.length), value);
    else attributes.set(key, value);
  }
  const colon = name.indexOf(':');
  const prefix = colon === -1 ? '' : name.slice(0, colon);
  const ns = inScope.get(prefix);
  if (prefix !== '' && ns === undefined) {
    throw new WindowsProtocolError('malformed', `namespace prefix "${prefix}" is not declared`);
  }
  const elementChildren: XmlElement[] = [];
  let text = '';
  for (const item of node[name] as OrderedNode[]) {
    if ('#text' in item) text += decodeReferences(String(item['#text']));
    else if ('#cdata' in item)
      text += (item['#cdata'] as { '#text': string }[]).map((t) => t['#text']).join('');
    else if (elementName(item) !== undefined) elementChildren.push(toElement(item, inScope));
  }
  return {
    ns,
    local: colon === -1 ? name : name.slice(colon + 1),
    attributes,
    children: elementChildren,
    text,
  };
}

function decodeReferences(raw: string): string {
  if (BARE_AMPERSAND.test(raw)) throw new WindowsProtocolError('malformed', 'a bare "&" is not allowed');
  return raw.replace(REFERENCE, (_match, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) throw new WindowsProtocolError('malformed', 'character reference out of range');
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[ref];
    if (value === undefined) {
      throw new WindowsProtocolError(
        'entity',
        'only the predefined XML entities and character references are allowed',
      );
    }
    return value;
  });
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
