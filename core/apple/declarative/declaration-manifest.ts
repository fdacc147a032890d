// Declarative Device Management server side: declarations, their ServerTokens, the tokens and
// declaration-items responses. https://developer.apple.com/documentation/devicemanagement/declarative-management
import { createHash } from 'node:crypto';
import { canonicalHash } from '../../json/canonical-json.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** https://developer.apple.com/documentation/devicemanagement/declarationbase */
export interface Declaration {
  /** e.g. `com.apple.configuration.passcode.settings`; the prefix says which manifest list it goes in. */
  type: string;
  identifier: string;
  payload: JsonObject;
}

export type DeclarationClass = 'Activations' | 'Assets' | 'Configurations' | 'Management';

const CLASS_BY_PREFIX: [string, DeclarationClass][] = [
  ['com.apple.activation.', 'Activations'],
  ['com.apple.asset.', 'Assets'],
  ['com.apple.configuration.', 'Configurations'],
  ['com.apple.management.', 'Management'],
];

export function declarationClass(type: string): DeclarationClass {
  const found = CLASS_BY_PREFIX.find(([prefix]) => type.startsWith(prefix));
  if (!found)
    throw new TypeError(
      `declaration type ${JSON.stringify(type)} is not an activation, asset, configuration or management type`,
    );
  return found[1];
}

/** Apple requires the token to change whenever anything in the declaration changes: hash all of it. */
export function serverToken(declaration: Declaration): string {
  return canonicalHash({
    Type: declaration.type,
    Identifier: declaration.identifier,
    Payload: declaration.payload,
  });
}

/** The body served at `declaration/<class>/<identifier>`. */
export function declarationDocument(declaration: Declaration): JsonObject {
  return {
    Type: declaration.type,
    Identifier: declaration.identifier,
    ServerToken: serverToken(declaration),
    Payload: declaration.payload,
  };
}

/** The manifest class → the path segment a device fetches it under: `declaration/<segment>/<identifier>`. */
const SEGMENT_BY_CLASS: Record<DeclarationClass, string> = {
  Activations: 'activation',
  Assets: 'asset',
  Configurations: 'configuration',
  Management: 'management',
};

/** The declaration a `declaration/<segment>/<identifier>` endpoint names, if the set holds it under that class. */
export function declarationAt(endpoint: string, declarations: Declaration[]): Declaration | undefined {
  const match = /^declaration\/([a-z]+)\/(.+)$/.exec(endpoint);
  if (!match) return undefined;
  let identifier: string;
  try {
    identifier = decodeURIComponent(match[2]!);
  } catch {
    return undefined;
  }
  return declarations.find(
    (d) => d.identifier === identifier && SEGMENT_BY_CLASS[declarationClass(d.type)] === match[1],
  );
}

/** Changes whenever any declaration is added, removed or changed; order of the input does not matter. */
export function declarationsToken(declarations: Declaration[]): string {
  const items = declarations.map((d) => `${d.identifier}\u0000${serverToken(d)}`).sort();
  return createHash('sha256').update(items.join('\n')).digest('hex');
}

/** https://developer.apple.com/documentation/devicemanagement/declarationitemsresponse */
export function buildDeclarationItemsResponse(declarations: Declaration[]): JsonObject {
  const lists: Record<DeclarationClass, JsonObject[]> = {
    Activations: [],
    Assets: [],
    Configurations: [],
    Management: [],
  };
  const seen = new Set<string>();
  for (const d of declarations) {
    if (seen.has(d.identifier))
      throw new TypeError(`duplicate declaration identifier ${JSON.stringify(d.identifier)}`);
    seen.add(d.identifier);
    lists[declarationClass(d.type)].push({ Identifier: d.identifier, ServerToken: serverToken(d) });
  }
  return { Declarations: lists, DeclarationsToken: declarationsToken(declarations) };
}

/**
 * https://developer.apple.com/documentation/devicemanagement/tokensresponse
 * `timestamp` is when the declaration set last changed, as RFC 3339 without fractional seconds.
 */
export function buildTokensResponse(declarations: Declaration[], timestamp: Date): JsonObject {
  return {
    SyncTokens: {
      DeclarationsToken: declarationsToken(declarations),
      Timestamp: timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}
