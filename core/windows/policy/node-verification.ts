// Reads a PC's answer to the policy Get against the nodes Keep set: what holds the policy's value, what never
// took it, what held it and has changed since (drift, to be re-applied), and what is still being applied.
import { verifyApplied, type RecordedItem } from '../../policy/applied-verification.js';
import type { CspNode } from './csp-node.js';
import { msiStatus } from './msi-status.js';

/** The values a check's result carries by LocURI; anything not shaped as the edge records it is ignored. */
export function reportedNodeValues(result: unknown): Record<string, string> {
  const values = (result as { values?: unknown } | null)?.values;
  if (!values || typeof values !== 'object') return {};
  return Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'string'));
}

/** The nodes a Get reads to prove this one: an install is proven by its status, not by the node it ran on. */
export function nodeReadTargets(node: CspNode): string[] {
  return node.progress ? [node.progress.status, node.progress.lastError] : [node.target];
}

/** Windows reports booleans as it likes to spell them; every other format compares exactly. */
export function holdsValue(node: CspNode, reported: string | undefined): boolean {
  if (reported === undefined) return false;
  return node.format === 'bool' ? reported.toLowerCase() === node.data.toLowerCase() : reported === node.data;
}

/** Whether the PC holds the node, is still applying it (an install under way), or does not hold it. */
export function nodeReport(
  node: CspNode,
  values: Readonly<Record<string, string>>,
): 'holds' | 'pending' | 'not' {
  if (!node.progress) return holdsValue(node, values[node.target]) ? 'holds' : 'not';
  const { progress } = msiStatus(values[node.progress.status]);
  return progress === 'done' ? 'holds' : progress === 'pending' ? 'pending' : 'not';
}

/**
 * The same rules as profiles: `sent` and not holding it failed; proven and not holding it now drifted. An
 * install still under way is neither: it stays `sent` until a later Get finds it done or failed.
 */
export function verifyNodes(
  recorded: readonly RecordedItem[],
  wanted: readonly CspNode[],
  values: Readonly<Record<string, string>>,
) {
  const report = new Map(wanted.map((n) => [n.target, nodeReport(n, values)]));
  const pending = (r: RecordedItem) => report.get(r.identifier) === 'pending';
  const holding = new Set(wanted.filter((n) => report.get(n.target) === 'holds').map((n) => n.target));
  const { statuses, drift } = verifyApplied(
    recorded.filter((r) => !pending(r)),
    holding,
  );
  const applying = recorded
    .filter(pending)
    .map((r) => ({ identifier: r.identifier, status: 'sent' as const }));
  return { statuses: [...statuses, ...applying], drift };
}
