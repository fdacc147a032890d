// The SCIM filter subset Keep answers (RFC 7644 §3.4.2.2): `<attribute> eq "<value>"`, as identity providers
// send it to look a resource up before creating it. Anything else is an invalidFilter error, never a guess.
import { ScimError } from './scim-error.js';

export interface EqFilter {
  attribute: string;
  value: string;
}

const EQ = /^\s*([A-Za-z][A-Za-z0-9.:_-]*)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i;

/** `allowed` maps the attribute names clients may filter on (case-insensitive) to Keep's name for them. */
export function parseEqFilter(text: string, allowed: readonly string[]): EqFilter {
  const match = EQ.exec(text);
  if (!match)
    throw new ScimError(400, `filter: only '<attribute> eq "<value>"' is supported`, 'invalidFilter');
  const attribute = allowed.find((name) => name.toLowerCase() === match[1]!.toLowerCase());
  if (!attribute) {
    throw new ScimError(
      400,
      `filter: cannot filter on ${match[1]} (only ${allowed.join(', ')})`,
      'invalidFilter',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(match[2]!);
  } catch (cause) {
    throw new ScimError(400, 'filter: the value is not a valid quoted string', 'invalidFilter', { cause });
  }
  return { attribute, value: value as string };
}
