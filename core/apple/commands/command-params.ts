// Zod pieces for command parameters: an object that takes Apple's key names or camelCase, and the value kinds.
import { z } from 'zod';
import { isPlistText, NOT_PLIST_TEXT } from '../plist-text.js';

/** Binary values travel as base64 in JSON. */
export const base64 = z
  .base64('expected base64')
  .transform((s): Uint8Array => new Uint8Array(Buffer.from(s, 'base64')));
/** macOS lock and erase take a six-digit Find My PIN; anything else the device would reject later. */
export const pin = z.string().regex(/^[0-9]{6}$/, 'expected six digits');
/** Every string parameter ends up in the command plist: refused here, before a send is audited. */
export const text = z.string().refine(isPlistText, NOT_PLIST_TEXT);

/** Apple's name for a camelCase parameter: `queries` → `Queries`, unless `appleNames` says otherwise (`pin` → `PIN`). */
function appleName(key: string, appleNames: Record<string, string>): string {
  return appleNames[key] ?? key[0]!.toUpperCase() + key.slice(1);
}

/**
 * A strict object over camelCase keys that also accepts each key under Apple's own name (as in Apple's command
 * reference), so an admin can paste `{"Queries": [...]}` or write `{"queries": [...]}`; giving both is refused.
 */
export function appleObject<S extends z.ZodRawShape>(shape: S, appleNames: Record<string, string> = {}) {
  const camelOf = new Map(Object.keys(shape).map((key) => [appleName(key, appleNames), key]));
  return z.preprocess((input, ctx) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      const camel = Object.hasOwn(shape, key) ? key : (camelOf.get(key) ?? key);
      if (Object.hasOwn(out, camel)) {
        ctx.addIssue({ code: 'custom', message: `give ${camel} once, not also as ${key}`, path: [key] });
        return input;
      }
      // defineProperty: a `__proto__` key stays a key (then refused by name), never a prototype.
      Object.defineProperty(out, camel, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }, z.strictObject(shape));
}
