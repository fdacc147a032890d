// `keep rollout list|show|pause|resume|approve|abort`: rollouts read and changed over the admin API.
import { parseArgs } from 'node:util';
import {
  AdminApiError,
  AdminClientConfigError,
  adminClientSettings,
  createAdminClient,
} from '../admin-client.js';
import type { ApplyIo } from '../apply/apply-command.js';
import { formatRollout, formatRolloutList, type RolloutView } from './format-rollout.js';

/** Exit codes a CI pipeline can act on (README, "Rollouts"). */
export const ROLLOUT_EXIT = {
  ok: 0,
  /** Bad arguments or settings, or the admin API could not be reached or failed. */
  failed: 1,
  /** `show` only: the rollout is paused or waits for approval, so a person must decide. */
  needsDecision: 2,
  /** The admin API refused: no such rollout, or its status does not allow the change. */
  refused: 3,
} as const;

export const rolloutUsage = `usage: keep rollout list [--policy <id>] [--json]
       keep rollout show <id> [--json]
       keep rollout pause|resume|approve|abort <id> [--json]`;

const ACTIONS = ['pause', 'resume', 'approve', 'abort'] as const;

type RolloutArgs =
  | { command: 'list'; policyId?: string | undefined }
  | { command: 'show' | (typeof ACTIONS)[number]; id: string };

function parse(argv: string[]): { args: RolloutArgs; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { policy: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  });
  const [command, id, ...rest] = positionals;
  if (rest.length > 0) throw new Error(`unexpected ${rest.join(' ')}`);
  if (command === 'list') {
    if (id) throw new Error(`unexpected ${id}`);
    return { args: { command, policyId: values.policy }, json: values.json };
  }
  if (command !== 'show' && !ACTIONS.includes(command as (typeof ACTIONS)[number]))
    throw new Error(command ? `unknown command ${command}` : 'a command is required');
  if (!id) throw new Error(`${command} needs a rollout id`);
  if (values.policy) throw new Error('--policy is for list');
  return { args: { command: command as 'show', id }, json: values.json };
}

export async function runRollout(argv: string[], io: ApplyIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`keep rollout: ${(error as Error).message}\n${rolloutUsage}`);
    return ROLLOUT_EXIT.failed;
  }
  const { args, json } = parsed;
  try {
    const client = createAdminClient(adminClientSettings(io.env));
    if (args.command === 'list') {
      const query = args.policyId ? `?policyId=${encodeURIComponent(args.policyId)}` : '';
      const { items } = await client.request<{ items: RolloutView[] }>('GET', `/v1/rollouts${query}`);
      io.out(json ? JSON.stringify({ items }) : formatRolloutList(items));
      return ROLLOUT_EXIT.ok;
    }
    const path = `/v1/rollouts/${encodeURIComponent(args.id)}`;
    const rollout =
      args.command === 'show'
        ? await client.request<RolloutView>('GET', path)
        : await client.request<RolloutView>('POST', `${path}/${args.command}`);
    io.out(json ? JSON.stringify(rollout) : formatRollout(rollout));
    const waiting = rollout.status === 'paused' || rollout.status === 'awaiting-approval';
    return args.command === 'show' && waiting ? ROLLOUT_EXIT.needsDecision : ROLLOUT_EXIT.ok;
  } catch (error) {
    if (error instanceof AdminApiError || error instanceof AdminClientConfigError) {
      io.err(`keep rollout: ${error.message}`);
      if (json) io.out(JSON.stringify({ error: error.message }));
      const refused = error instanceof AdminApiError && (error.status === 404 || error.status === 409);
      return refused ? ROLLOUT_EXIT.refused : ROLLOUT_EXIT.failed;
    }
    throw error;
  }
}
