// SCIM PATCH (RFC 7644 §3.5.2) applied to a resource's SCIM representation; the caller re-validates the result
// with the same schema as a PUT, so a patch can never store what a replace could not.
import { z } from 'zod';
import { ScimError } from './scim-error.js';
import { parseEqFilter } from './scim-filter.js';

export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export const patchRequest = z.object({
  schemas: z.array(z.string()).refine((s) => s.includes(PATCH_SCHEMA), `must include ${PATCH_SCHEMA}`),
  Operations: z
    .array(
      z.object({
        // Some identity providers capitalise the op ("Replace").
        op: z
          .string()
          .transform((op) => op.toLowerCase())
          .pipe(z.enum(['add', 'replace', 'remove'])),
        path: z.string().max(500).optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(1000),
});

export type PatchRequest = z.infer<typeof patchRequest>;
type Json = Record<string, unknown>;

/** `members[value eq "…"]` or `emails[type eq "work"].value`: a multi-valued attribute narrowed by a filter. */
const FILTERED_PATH = /^([A-Za-z][A-Za-z0-9_-]*)\[(.+)\](?:\.([A-Za-z][A-Za-z0-9_-]*))?$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An extension attribute (`urn:…:User:department`) lives under its schema URN. */
function splitPath(path: string): string[] {
  const urn = /^(urn:[^ ]+):([A-Za-z][A-Za-z0-9_.-]*)$/.exec(path);
  if (urn && path.split(':').length > 2) return [urn[1]!, ...urn[2]!.split('.')];
  return path.split('.');
}

function setValue(target: Json, op: 'add' | 'replace', key: string, value: unknown): void {
  const current = target[key];
  if (op === 'add' && Array.isArray(current) && Array.isArray(value)) {
    const seen = new Set(current.map((item) => JSON.stringify(isObject(item) ? item.value : item)));
    target[key] = [
      ...current,
      ...value.filter((item) => !seen.has(JSON.stringify(isObject(item) ? item.value : item))),
    ];
  } else if (op === 'add' && isObject(current) && isObject(value)) {
    target[key] = { ...current, ...value };
  } else {
    target[key] = value;
  }
}

export function applyPatch(resource: Json, request: PatchRequest): Json {
  const result: Json = structuredClone(resource);
  for (const { op, path, value } of request.Operations) {
    if (!path) {
      if (op === 'remove') throw new ScimError(400, 'Operations: remove needs a path', 'noTarget');
      if (!isObject(value))
        throw new ScimError(400, 'Operations: value must be an object when there is no path', 'invalidValue');
      for (const [key, item] of Object.entries(value)) setValue(result, op, key, item);
      continue;
    }
    const filtered = FILTERED_PATH.exec(path);
    if (filtered) {
      const [, attribute, filterText, subAttribute] = filtered;
      const filter = parseEqFilter(filterText!, ['value', 'type', 'display']);
      const list = Array.isArray(result[attribute!]) ? (result[attribute!] as unknown[]) : [];
      const matches = (item: unknown) => isObject(item) && item[filter.attribute] === filter.value;
      if (op === 'remove') {
        result[attribute!] = subAttribute
          ? list.map((item) => (matches(item) ? { ...(item as Json), [subAttribute]: undefined } : item))
          : list.filter((item) => !matches(item));
      } else if (subAttribute) {
        const hit = list.some(matches);
        result[attribute!] = hit
          ? list.map((item) => (matches(item) ? { ...(item as Json), [subAttribute]: value } : item))
          : [...list, { [filter.attribute]: filter.value, [subAttribute]: value }];
      } else {
        throw new ScimError(400, `Operations: ${op} on ${path} needs a sub-attribute`, 'invalidPath');
      }
      continue;
    }
    const keys = splitPath(path);
    let target = result;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      if (!isObject(next)) {
        if (op === 'remove') break;
        target[key] = {};
      }
      target = target[key] as Json;
    }
    const last = keys.at(-1)!;
    if (op === 'remove') {
      if (Array.isArray(target[last]) && Array.isArray(value)) {
        // Azure AD removes members by listing them as the value.
        const gone = new Set(value.map((item) => (isObject(item) ? item.value : item)));
        target[last] = (target[last] as unknown[]).filter(
          (item) => !gone.has(isObject(item) ? item.value : item),
        );
      } else {
        delete target[last];
      }
    } else {
      setValue(target, op, last, value);
    }
  }
  return result;
}
