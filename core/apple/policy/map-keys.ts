// Maps a policy setting's fields onto one Apple schema's keys, reporting each key the device cannot take.
import type { PlistDict, PlistValue } from '../plist-codec.js';
import type { AppleSchema } from '../schemas/apple-schema.js';
import { keySupportReason, schemaKey } from './apple-support.js';
import type { AppleTarget, NotApplicable } from './apple-target.js';

/** Policy field → Apple key, with an optional conversion of the value. */
export type KeyMap<T> = { [F in keyof T]?: string | [string, (value: NonNullable<T[F]>) => PlistValue] };

export function mapKeys<T extends object>(
  target: AppleTarget,
  schema: AppleSchema,
  values: T,
  keyMap: KeyMap<T>,
  settingPath: string,
): { keys: PlistDict; notApplicable: NotApplicable[] } {
  const keys: PlistDict = {};
  const notApplicable: NotApplicable[] = [];
  for (const field of Object.keys(keyMap) as (keyof T & string)[]) {
    const value = values[field];
    const mapping = keyMap[field];
    if (value === undefined || mapping === undefined) continue;
    const [name, convert] =
      typeof mapping === 'string' ? [mapping, (v: unknown) => v as PlistValue] : mapping;
    const key = schemaKey(schema, name);
    const converted = convert(value as NonNullable<T[typeof field]>);
    const reason = keySupportReason(target, schema, key) ?? rangeReason(target, key.range, converted);
    if (reason) notApplicable.push({ setting: `${settingPath}.${field}`, reason });
    else keys[name] = converted;
  }
  return { keys, notApplicable };
}

/** Apple's range is what the device accepts; a value outside it is reported, never clamped. */
function rangeReason(
  target: AppleTarget,
  range: { min?: number; max?: number } | undefined,
  value: PlistValue,
): string | undefined {
  if (typeof value !== 'number' || !range) return undefined;
  const { min, max } = range;
  if ((min === undefined || value >= min) && (max === undefined || value <= max)) return undefined;
  return `not applicable on ${target.platform} ${target.osVersion}: accepts ${min ?? '…'} to ${max ?? '…'}`;
}
