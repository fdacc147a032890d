// Finds every Temporal Payload in a history, wherever it sits (inputs, results, Update arguments, failure
// attributes), so tests that search histories for secrets miss none.
import type { Payload } from '@temporalio/common';

const isPayload = (v: object): v is Payload => 'data' in v && 'metadata' in v && v.metadata !== null;

export function collectPayloads(node: unknown, found: Payload[] = []): Payload[] {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return found;
  if (isPayload(node)) found.push(node);
  else if (Array.isArray(node)) node.forEach((item) => collectPayloads(item, found));
  else Object.values(node).forEach((value) => collectPayloads(value, found));
  return found;
}
