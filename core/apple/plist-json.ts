// Turns parsed plist values into plain JSON for storage and for Temporal: data as base64, dates as ISO strings.
import type { PlistValue } from './plist-codec.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function plistToJson(value: PlistValue): JsonValue {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plistToJson);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, child] of Object.entries(value as Record<string, PlistValue>))
      out[key] = plistToJson(child);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}
