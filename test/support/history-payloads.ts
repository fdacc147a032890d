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

/**
 * A decoded payload as text, plus every base64 string in it decoded: JSON strings, and a plist's `<data>` (a
 * command's profile travels so, its lines broken by JSON-escaped newlines).
 */
export function readable(text: string): string {
  const quoted = [...text.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)].map((m) => m[1]!);
  const data = [...text.matchAll(/<data>((?:[A-Za-z0-9+/=\s]|\\[nt])+)<\/data>/g)].map((m) =>
    m[1]!.replace(/\\[nt]|\s/g, ''),
  );
  const nested = [...quoted, ...data].map((b64) => Buffer.from(b64, 'base64').toString('latin1'));
  return [text, ...nested].join('\n');
}
