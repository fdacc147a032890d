// Canonical JSON and its hash: equal content gives equal bytes whatever the key order, so "changed" is decidable.
import { createHash } from 'node:crypto';

/** Anything JSON can hold; `undefined` members are left out, as JSON.stringify does. */
export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

/** JSON with keys sorted at every level. */
export function canonicalJson(value: CanonicalValue): string {
  if (Array.isArray(value))
    return `[${value.map((v: CanonicalValue) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as { readonly [key: string]: CanonicalValue };
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical JSON. */
export function canonicalHash(value: CanonicalValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
