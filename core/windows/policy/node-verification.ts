// Reads a PC's answer to the policy Get against the nodes Keep set: what holds the policy's value, what never
// took it, and what held it and has changed since (drift, to be re-applied).
import { verifyApplied, type RecordedItem } from '../../policy/applied-verification.js';
import type { CspNode } from './csp-node.js';

/** The values a check's result carries by LocURI; anything not shaped as the edge records it is ignored. */
export function reportedNodeValues(result: unknown): Record<string, string> {
  const values = (result as { values?: unknown } | null)?.values;
  if (!values || typeof values !== 'object') return {};
  return Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'string'));
}

/** Windows reports booleans as it likes to spell them; every other format compares exactly. */
export function holdsValue(node: CspNode, reported: string | undefined): boolean {
  if (reported === undefined) return false;
  return node.format === 'bool' ? reported.toLowerCase() === node.data.toLowerCase() : reported === node.data;
}

/** The same rules as profiles: `sent` and not holding it failed; proven and not holding it now drifted. */
export function verifyNodes(
  recorded: readonly RecordedItem[],
  wanted: readonly CspNode[],
  values: Readonly<Record<string, string>>,
) {
  const holding = new Set(wanted.filter((n) => holdsValue(n, values[n.target])).map((n) => n.target));
  return verifyApplied(recorded, holding);
}
