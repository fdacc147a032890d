// What changed between two versions of a policy, field by field, so an admin reviews a change before it spreads.
import type { Policy } from './policy.schema.js';

export interface PolicyChange {
  /** Dotted path with indexes, as policy problems name fields: `settings.wifi[0].ssid`. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** The server-assigned `version` is not content, so it never shows as a change. */
export function diffPolicies(before: Policy, after: Policy): PolicyChange[] {
  const { version: _a, ...a } = before;
  const { version: _b, ...b } = after;
  const changes: PolicyChange[] = [];
  walk(a, b, '', changes);
  return changes;
}

function walk(before: unknown, after: unknown, path: string, out: PolicyChange[]): void {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(before[key], after[key], path ? `${path}.${key}` : key, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      walk(before[i], after[i], `${path}[${i}]`, out);
    return;
  }
  if (before === undefined && after !== undefined) out.push({ path, change: 'added', after });
  else if (after === undefined && before !== undefined) out.push({ path, change: 'removed', before });
  else if (JSON.stringify(before) !== JSON.stringify(after))
    out.push({ path, change: 'changed', before, after });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
