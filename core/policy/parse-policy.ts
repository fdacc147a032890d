// Reads a policy document from YAML (GitOps) or JSON (API); every problem names its field and, in YAML, its line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { policySchema, type Policy } from './policy.schema.js';

export type PolicyFormat = 'yaml' | 'json';

export interface PolicyProblem {
  /** Dotted path with indexes, e.g. `settings.wifi[0].password`; empty for the document itself. */
  path: string;
  /** 1-based line in the YAML text, where the field (or its nearest present parent) is. */
  line?: number;
  message: string;
}

/** The document is not a valid policy; an admin's input error, each problem naming its field. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly problems: readonly PolicyProblem[],
    options?: ErrorOptions,
  ) {
    super(`invalid policy: ${problems.map(describe).join('; ')}`, options);
  }
}

/** A policy is a small document; anything larger is refused before parsing. */
export const MAX_POLICY_BYTES = 1024 * 1024;

export function parsePolicy(text: string, format: PolicyFormat): Policy {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    throw new PolicyError([{ path: '', message: `document exceeds ${MAX_POLICY_BYTES} bytes` }]);
  }
  return format === 'yaml' ? parseYamlPolicy(text) : parseJsonPolicy(text);
}

function parseJsonPolicy(text: string): Policy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PolicyError([{ path: '', message: `not valid JSON: ${(cause as Error).message}` }], { cause });
  }
  const result = policySchema.safeParse(value);
  if (!result.success) throw new PolicyError(result.error.issues.map((issue) => problem(issue)));
  return result.data;
}

function parseYamlPolicy(text: string): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      doc.errors.map((e) => ({
        path: '',
        line: lineCounter.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0]!,
      })),
    );
  }
  return validateYamlDocument(policySchema, doc, lineCounter);
}

/**
 * A parsed YAML document checked against a schema, every problem located by field and line; shared with the
 * GitOps documents of `keep apply`, which hold policies beside teams and assignments.
 */
export function validateYamlDocument<S extends z.ZodType>(
  schema: S,
  doc: Document,
  lineCounter: LineCounter,
): z.output<S> {
  let value: unknown;
  try {
    // Aliases could expand a small document into a huge one; a policy has no use for them.
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (cause) {
    throw new PolicyError([{ path: '', message: (cause as Error).message }], { cause });
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new PolicyError(
      result.error.issues.map((issue) => problem(issue, (path) => lineOfPath(doc, lineCounter, path))),
    );
  }
  return result.data;
}

function problem(issue: z.core.$ZodIssue, line?: (path: PropertyKey[]) => number | undefined): PolicyProblem {
  // An unknown key is the key's own fault, so point at it rather than at the object holding it.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
      : issue.message;
  const at = line?.(path);
  return { path: formatPath(path), ...(at === undefined ? {} : { line: at }), message };
}

/** The line of the deepest node on the path that exists (a missing field is reported at its parent). */
export function lineOfPath(doc: Document, lineCounter: LineCounter, path: PropertyKey[]): number | undefined {
  let node: Node | null | undefined = doc.contents;
  let offset = node?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      // The key's line: a nested map or list starts below it, and a key with no value has only the key.
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, segment) =>
      typeof segment === 'number'
        ? `${out}[${segment}]`
        : out
          ? `${out}.${String(segment)}`
          : String(segment),
    '',
  );
}

function describe(p: PolicyProblem): string {
  return `${p.path || '(document)'}${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.message}`;
}
