// `keep apply -f <dir> [--dry-run] [--json] [--prune]`: a folder of YAML documents made true on the server (GitOps).
import { parseArgs } from 'node:util';
import {
  AdminApiError,
  AdminClientConfigError,
  adminClientSettings,
  createAdminClient,
} from '../admin-client.js';
import { applyChanges } from './apply-changes.js';
import { ApplyDocumentsError, describeProblem, readApplyFolder } from './apply-documents.js';
import { notDeclared, planApply, type ApplyChange, type ApplyOptions } from './apply-plan.js';
import { formatPlan } from './format-plan.js';
import { readServerState } from './server-state.js';
import { parseWaves } from '../rollout/parse-waves.js';

/** Exit codes a CI pipeline can act on (README, "GitOps: keep apply"). */
export const APPLY_EXIT = {
  /** Applied, or nothing differs. */
  ok: 0,
  /** Bad arguments or settings, or the admin API refused a change or could not be reached. */
  failed: 1,
  /** `--dry-run` only: applying would change something. */
  changesPending: 2,
  /** A document is invalid or names what does not exist; nothing was applied. */
  invalid: 3,
} as const;

export const applyUsage =
  'usage: keep apply -f <dir> [--dry-run] [--json] [--prune [--removal-waves <label:x,10,50%,100%>]]';

export interface ApplyIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function runApply(argv: string[], io: ApplyIo): Promise<number> {
  let args: { dir: string; dryRun: boolean; json: boolean; options: ApplyOptions };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        filename: { type: 'string', short: 'f' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
        'removal-waves': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.filename) throw new Error('-f <dir> is required');
    const wavesSpec = values['removal-waves'];
    if (wavesSpec !== undefined && !values.prune) throw new Error('--removal-waves needs --prune');
    args = {
      dir: values.filename,
      dryRun: values['dry-run'],
      json: values.json,
      options: {
        prune: values.prune,
        ...(wavesSpec !== undefined && { removalWaves: parseWaves(wavesSpec) }),
      },
    };
  } catch (error) {
    io.err(`keep apply: ${(error as Error).message}\n${applyUsage}`);
    return APPLY_EXIT.failed;
  }
  const report = (text: string, json: object) => io.out(args.json ? JSON.stringify(json) : text);
  let changes: ApplyChange[] = [];
  let applied = 0;
  try {
    const documents = readApplyFolder(args.dir);
    const client = createAdminClient(adminClientSettings(io.env));
    const server = await readServerState(client, documents, args.options);
    changes = planApply(documents, server, args.options);
    const left = notDeclared(documents, server, args.options);
    if (args.dryRun || changes.length === 0) {
      report(formatPlan(changes, left), { dryRun: args.dryRun, changes, applied: 0, notDeclared: left });
      return args.dryRun && changes.length > 0 ? APPLY_EXIT.changesPending : APPLY_EXIT.ok;
    }
    await applyChanges(client, changes, documents, server, () => applied++);
    report(`${formatPlan(changes, left)}\nApplied.`, { dryRun: false, changes, applied, notDeclared: left });
    return APPLY_EXIT.ok;
  } catch (error) {
    if (error instanceof ApplyDocumentsError) {
      report(`Nothing applied; fix these first:\n${error.problems.map(describeProblem).join('\n')}`, {
        problems: error.problems,
      });
      return APPLY_EXIT.invalid;
    }
    if (error instanceof AdminApiError || error instanceof AdminClientConfigError) {
      const done =
        applied > 0 ? ` (${applied} of ${changes.length} changes applied; run it again for the rest)` : '';
      io.err(`keep apply: ${error.message}${done}`);
      if (args.json) io.out(JSON.stringify({ error: error.message, changes, applied }));
      return APPLY_EXIT.failed;
    }
    throw error;
  }
}
