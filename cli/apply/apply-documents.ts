// The documents of a `keep apply` folder: YAML files of teams, labels, policies and assignments, each with a `kind`;
// every problem names its file, line and field.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { z } from 'zod';
import { labelSchema } from '../../core/device/device-label.js';
import {
  lineOfPath,
  MAX_POLICY_BYTES,
  PolicyError,
  policySchema,
  policyTargetSchema,
  validateYamlDocument,
  type Policy,
} from '../../core/policy/index.js';

export const DOCUMENT_KINDS = ['Team', 'Label', 'Policy', 'Assignment'] as const;

/** Where a document (or one of its fields) is, for messages an admin can act on. */
export interface SourceLocation {
  file: string;
  line?: number;
}

export interface ApplyProblem extends SourceLocation {
  /** The field, e.g. `targets[0].team`; empty for the document itself. */
  path: string;
  message: string;
}

/** A target as a person writes it: a team by name, not by id (ids differ between servers). */
export const namedTargetSchema = policyTargetSchema
  .omit({ teamId: true })
  .extend({ team: z.string().trim().min(1).max(200).optional().describe('Only devices in this team.') });
export type NamedTarget = z.infer<typeof namedTargetSchema>;

const kindSchema = z.object({ kind: z.enum(DOCUMENT_KINDS) });
const teamSchema = z.strictObject({ kind: z.literal('Team'), name: z.string().trim().min(1).max(200) });
const labelDocumentSchema = z.strictObject({
  kind: z.literal('Label'),
  name: labelSchema,
  devices: z
    .array(z.string().trim().min(1).max(200))
    .max(10_000)
    .describe('The serial numbers of the devices carrying the label, exactly; [] takes it off every device.'),
});
const policyDocumentSchema = policySchema.extend({ kind: z.literal('Policy') });
const assignmentSchema = z.strictObject({
  kind: z.literal('Assignment'),
  policy: z.string().min(1).describe('The name of the policy.'),
  targets: z.array(namedTargetSchema).describe("The policy's assignments, exactly; [] withdraws them all."),
});

export interface TeamDocument {
  kind: 'Team';
  name: string;
  source: SourceLocation;
}
export interface LabelDocument {
  kind: 'Label';
  name: string;
  /** Serial numbers, each with where it is written. */
  devices: Array<{ serial: string; source: SourceLocation }>;
  source: SourceLocation;
}
export interface PolicyDocument {
  kind: 'Policy';
  policy: Policy;
  source: SourceLocation;
}
export interface AssignmentDocument {
  kind: 'Assignment';
  policy: string;
  targets: Array<{ target: NamedTarget; source: SourceLocation }>;
  source: SourceLocation;
}
export type ApplyDocument = TeamDocument | LabelDocument | PolicyDocument | AssignmentDocument;

/** The folder holds documents an admin must fix first; every problem is listed. */
export class ApplyDocumentsError extends Error {
  override readonly name = 'ApplyDocumentsError';
  constructor(
    readonly problems: readonly ApplyProblem[],
    options?: ErrorOptions,
  ) {
    super(`invalid documents: ${problems.map(describeProblem).join('; ')}`, options);
  }
}

export function describeProblem(p: ApplyProblem): string {
  const at = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return `${at}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** Every `.yaml`/`.yml` file of the folder (not its sub-folders), in name order, so output is stable. */
export function readApplyFolder(dir: string): ApplyDocument[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (cause) {
    throw new ApplyDocumentsError([{ file: dir, path: '', message: (cause as Error).message }], { cause });
  }
  if (names.length === 0)
    throw new ApplyDocumentsError([{ file: dir, path: '', message: 'no .yaml or .yml files' }]);
  const documents: ApplyDocument[] = [];
  const problems: ApplyProblem[] = [];
  for (const name of names) {
    const read = parseApplyFile(name, readFileSync(join(dir, name), 'utf8'));
    documents.push(...read.documents);
    problems.push(...read.problems);
  }
  problems.push(...duplicates(documents));
  if (problems.length > 0) throw new ApplyDocumentsError(problems);
  return documents;
}

/** One file's documents (separated by `---`), and the problems of those that are not valid. */
export function parseApplyFile(
  file: string,
  text: string,
): { documents: ApplyDocument[]; problems: ApplyProblem[] } {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES)
    return { documents: [], problems: [{ file, path: '', message: `exceeds ${MAX_POLICY_BYTES} bytes` }] };
  const lineCounter = new LineCounter();
  const documents: ApplyDocument[] = [];
  const problems: ApplyProblem[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false })) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        problems.push({
          file,
          line: lineCounter.linePos(e.pos[0]).line,
          path: '',
          message: e.message.split('\n')[0]!,
        });
      continue;
    }
    // An empty document (a trailing `---`, a file of comments) declares nothing.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    try {
      documents.push(documentOf(file, doc, lineCounter));
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      problems.push(...error.problems.map((p) => ({ file, ...p })));
    }
  }
  return { documents, problems };
}

function documentOf(file: string, doc: Document, lineCounter: LineCounter): ApplyDocument {
  const at = (path: PropertyKey[]): SourceLocation => {
    const line = lineOfPath(doc, lineCounter, path);
    return line === undefined ? { file } : { file, line };
  };
  const { kind } = validateYamlDocument(kindSchema, doc, lineCounter);
  switch (kind) {
    case 'Team': {
      const { name } = validateYamlDocument(teamSchema, doc, lineCounter);
      return { kind, name, source: at([]) };
    }
    case 'Label': {
      const read = validateYamlDocument(labelDocumentSchema, doc, lineCounter);
      const devices = read.devices.map((serial, i) => ({ serial, source: at(['devices', i]) }));
      return { kind, name: read.name, devices, source: at([]) };
    }
    case 'Policy': {
      const {
        kind: _kind,
        version: _version,
        ...policy
      } = validateYamlDocument(policyDocumentSchema, doc, lineCounter);
      return { kind, policy, source: at([]) };
    }
    case 'Assignment': {
      const read = validateYamlDocument(assignmentSchema, doc, lineCounter);
      const targets = read.targets.map((target, i) => ({ target, source: at(['targets', i]) }));
      return { kind, policy: read.policy, targets, source: at([]) };
    }
  }
}

/** A name declared twice would make the outcome depend on file order. */
function duplicates(documents: ApplyDocument[]): ApplyProblem[] {
  const seen = new Map<string, SourceLocation>();
  const problems: ApplyProblem[] = [];
  for (const d of documents) {
    const [field, name] = documentName(d);
    const key = `${d.kind} ${name}`;
    const first = seen.get(key);
    if (!first) seen.set(key, d.source);
    else
      problems.push({
        ...d.source,
        path: field,
        message: `${d.kind} ${JSON.stringify(name)} is declared again (first in ${first.file}${first.line === undefined ? '' : `:${first.line}`})`,
      });
  }
  return problems;
}

/** The field that names a document, and the name. */
function documentName(d: ApplyDocument): [string, string] {
  switch (d.kind) {
    case 'Team':
    case 'Label':
      return ['name', d.name];
    case 'Policy':
      return ['name', d.policy.name];
    case 'Assignment':
      return ['policy', d.policy];
  }
}
