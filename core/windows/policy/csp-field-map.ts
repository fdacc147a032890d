// Maps a policy setting's fields onto CSP nodes, reporting each field Windows cannot take and each value out of range.
import type { CspFormat, CspNode, WindowsTarget, WindowsTranslation } from './csp-node.js';
import { windowsReason } from './csp-node.js';

export interface CspField<V> {
  target: string;
  format: CspFormat;
  /** The node's value; a number is checked against `range`. */
  value: (value: V) => string | number | boolean;
  /** What the CSP accepts; a value outside is reported, never clamped. */
  range?: readonly [number, number];
}

/** Every field of a setting maps to a node, or to the reason Windows has none: a new field fails to compile. */
export type CspFieldMap<T> = { [F in keyof T]-?: CspField<NonNullable<T[F]>> | string };

export function mapFields<T extends object>(
  values: T,
  map: CspFieldMap<T>,
  setting: string,
  target: WindowsTarget,
): WindowsTranslation {
  const out: WindowsTranslation = { nodes: [], notApplicable: [] };
  for (const field of Object.keys(map) as (keyof T & string)[]) {
    const value = values[field];
    if (value === undefined) continue;
    const mapping = map[field] as CspField<unknown> | string;
    const path = `${setting}.${field}`;
    if (typeof mapping === 'string') {
      out.notApplicable.push({ setting: path, reason: windowsReason(target, mapping) });
      continue;
    }
    const data = mapping.value(value);
    const [min, max] = mapping.range ?? [-Infinity, Infinity];
    if (typeof data === 'number' && (data < min || data > max)) {
      out.notApplicable.push({ setting: path, reason: windowsReason(target, `accepts ${min} to ${max}`) });
      continue;
    }
    out.nodes.push(node(setting, mapping.target, mapping.format, data));
  }
  return out;
}

export function node(
  setting: string,
  target: string,
  format: CspFormat,
  data: string | number | boolean,
  apply: CspNode['apply'] = 'Replace',
): CspNode {
  return { setting, target, format, data: String(data), apply };
}
