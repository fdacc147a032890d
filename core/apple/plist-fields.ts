// Typed reads of fields from a parsed plist dictionary, failing with an error that names the key.
import { isPlistDict, type PlistDict, type PlistValue } from './plist-codec.js';

export type MdmMessageErrorCode = 'missing-key' | 'wrong-type' | 'unknown-type' | 'invalid-value';

/** A device sent a message Keep cannot accept; the edge answers it with a 400 naming `key`. */
export class MdmMessageError extends Error {
  override readonly name = 'MdmMessageError';
  constructor(
    readonly code: MdmMessageErrorCode,
    message: string,
    readonly key?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type Kind = 'string' | 'boolean' | 'integer' | 'data' | 'dictionary' | 'array';

function matches(value: PlistValue, kind: Kind): boolean {
  switch (kind) {
    case 'string':
    case 'boolean':
      return typeof value === kind;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'data':
      return value instanceof Uint8Array;
    case 'dictionary':
      return isPlistDict(value);
    case 'array':
      return Array.isArray(value);
  }
}

interface KindType {
  string: string;
  boolean: boolean;
  integer: number;
  data: Uint8Array;
  dictionary: PlistDict;
  array: PlistValue[];
}

export function optional<K extends Kind>(dict: PlistDict, key: string, kind: K): KindType[K] | undefined {
  const value = Object.hasOwn(dict, key) ? dict[key] : undefined;
  if (value === undefined || value === null) return undefined;
  if (!matches(value, kind)) throw new MdmMessageError('wrong-type', `${key} must be a ${kind}`, key);
  return value as KindType[K];
}

export function required<K extends Kind>(
  dict: PlistDict,
  key: string,
  kind: K,
  context: string,
): KindType[K] {
  const value = optional(dict, key, kind);
  if (value === undefined || (kind === 'string' && value === '')) {
    throw new MdmMessageError('missing-key', `${context} is missing required key ${key}`, key);
  }
  return value;
}
