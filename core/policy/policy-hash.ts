// A policy's content hash: equal for equal content whatever the key order or format, so "changed" is decidable.
import { canonicalHash } from '../json/canonical-json.js';
import type { Policy } from './policy.schema.js';

/** The server-assigned version is not content: storing the same document again must not look like a change. */
export function policyContentHash(policy: Policy): string {
  const { version: _version, ...content } = policy;
  return canonicalHash(content);
}
