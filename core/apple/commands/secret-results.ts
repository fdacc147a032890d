// Hides the secrets in a command result: the paths are the command table's secretResults, per RequestType.
import type { JsonValue } from '../plist-json.js';
import { appleCommands, rawCommandSecretResults, type ResultPath } from './command-table.js';

/**
 * Keyed by the RequestType a device answered (Apple's name, so raw commands are covered too); a view of the table.
 */
export const SECRET_RESULT_KEYS: Readonly<Record<string, readonly ResultPath[]>> = {
  ...Object.fromEntries(
    Object.entries(appleCommands)
      .filter(([, declared]) => declared.secretResults.length > 0)
      .map(([type, declared]) => [type, declared.secretResults]),
  ),
  ...rawCommandSecretResults,
};

export const REDACTED = '<redacted>';

export interface RedactedResult {
  result: Record<string, unknown>;
  /** Dotted paths that held a secret and now hold REDACTED; empty when nothing was secret. */
  redacted: string[];
}

type JsonObject = { [key: string]: JsonValue | undefined };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `result` holds a value that is secret in any command's answer. The edge asks before it knows which
 * command answered (a report names only its UUID), so it checks every RequestType's paths.
 */
export function holdsSecretResult(result: Record<string, unknown>): boolean {
  return Object.values(SECRET_RESULT_KEYS).some((paths) =>
    paths.some((path) => {
      let value: unknown = result;
      for (const key of path) value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
      return value !== undefined;
    }),
  );
}

/** A copy of `result` with every secret value of its RequestType replaced; the input is not changed. */
export function redactSecrets(requestType: string, result: Record<string, unknown>): RedactedResult {
  return hideSecrets(requestType, result, (parent, key) => (parent[key] = REDACTED));
}

/** A copy of `result` without its secret values, for decoders that must not see them (or their marker). */
export function withoutSecrets(
  requestType: string,
  result: Record<string, unknown>,
): Record<string, unknown> {
  return hideSecrets(requestType, result, (parent, key) => delete parent[key]).result;
}

function hideSecrets(
  requestType: string,
  result: Record<string, unknown>,
  hide: (parent: JsonObject, key: string) => void,
): RedactedResult {
  const paths = Object.hasOwn(SECRET_RESULT_KEYS, requestType) ? SECRET_RESULT_KEYS[requestType]! : [];
  const copy = structuredClone(result);
  const redacted: string[] = [];
  for (const path of paths) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1))
      parent = isObject(parent) && Object.hasOwn(parent, key) ? parent[key] : undefined;
    const last = path.at(-1)!;
    if (isObject(parent) && Object.hasOwn(parent, last)) {
      hide(parent, last);
      redacted.push(path.join('.'));
    }
  }
  return { result: copy, redacted };
}
