// `keep rollout start|watch|list|show|pause|resume|approve|abort`: rollouts started, watched, read and changed over
// the admin API.
import { parseArgs } from 'node:util';
import {
  AdminApiError,
  AdminClientConfigError,
  adminClientSettings,
  createAdminClient,
} from '../admin-client.js';
import type { ApplyIo } from '../apply/apply-command.js';
import { formatRollout, formatRolloutList, type RolloutView } from './format-rollout.js';
import { START_FLAGS, startBody } from './start-rollout.js';
import { watchRollout } from './watch-rollout.js';

/** Exit codes a CI pipeline can act on (README, "Rollouts"). */
export const ROLLOUT_EXIT = {
  ok: 0,
  /** Bad arguments or settings, or the admin API could not be reached or failed. */
  failed: 1,
  /** `show` and `watch`: the rollout is paused or waits for approval, so a person must decide. */
  needsDecision: 2,
  /** The admin API refused: no such rollout, its status does not allow the change, or an invalid start. */
  refused: 3,
  /** `watch` only: the rollout was aborted. */
  aborted: 4,
} as const;

export const rolloutUsage = `usage: keep rollout start --policy <id> --waves <label:x,10,50%,100%> [--version <n> | --remove
         [--assignment <id>]] [--approval] [--min-soak <s>] [--max-failed <%>] [--min-verified <%>]
         [--time-limit <s>] [--check-interval <s>] [--watch] [--json]
       keep rollout watch <id> [--interval <s>] [--json]
       keep rollout list [--policy <id>] [--json]
       keep rollout show <id> [--json]
       keep rollout pause|resume|approve|abort <id> [--json]`;

const ACTIONS = ['pause', 'resume', 'approve', 'abort'] as const;

type RolloutArgs =
  | { command: 'list'; policyId?: string | undefined }
  | { command: 'start'; body: Record<string, unknown>; watch: boolean; intervalMs: number }
  | { command: 'watch'; id: string; intervalMs: number }
  | { command: 'show' | (typeof ACTIONS)[number]; id: string };

function parse(argv: string[]): { args: RolloutArgs; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      policy: { type: 'string' },
      json: { type: 'boolean', default: false },
      watch: { type: 'boolean' },
      interval: { type: 'string' },
      version: { type: 'string' },
      remove: { type: 'boolean' },
      assignment: { type: 'string' },
      waves: { type: 'string' },
      approval: { type: 'boolean' },
      'min-soak': { type: 'string' },
      'max-failed': { type: 'string' },
      'min-verified': { type: 'string' },
      'time-limit': { type: 'string' },
      'check-interval': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  const [command, id, ...rest] = positionals;
  if (rest.length > 0) throw new Error(`unexpected ${rest.join(' ')}`);
  if (command !== 'start')
    for (const flag of [...START_FLAGS, 'watch'] as const)
      if (values[flag] !== undefined) throw new Error(`--${flag} is for start`);
  if (command !== 'start' && command !== 'watch' && values.interval !== undefined)
    throw new Error('--interval is for start --watch and watch');
  const seconds = Number(values.interval ?? '2');
  if (!(seconds > 0)) throw new Error('--interval must be a positive number of seconds');
  const intervalMs = seconds * 1000;
  if (command === 'start') {
    if (id) throw new Error(`unexpected ${id}`);
    return {
      args: { command, body: startBody(values), watch: values.watch ?? false, intervalMs },
      json: values.json,
    };
  }
  if (command === 'list') {
    if (id) throw new Error(`unexpected ${id}`);
    return { args: { command, policyId: values.policy }, json: values.json };
  }
  if (command !== 'show' && command !== 'watch' && !ACTIONS.includes(command as (typeof ACTIONS)[number]))
    throw new Error(command ? `unknown command ${command}` : 'a command is required');
  if (!id) throw new Error(`${command} needs a rollout id`);
  if (values.policy) throw new Error('--policy is for list and start');
  if (command === 'watch') return { args: { command, id, intervalMs }, json: values.json };
  return { args: { command: command as 'show', id }, json: values.json };
}

/** What a rollout's status says to a pipeline once `watch` stops. */
function watchedExit(rollout: RolloutView): number {
  if (rollout.status === 'completed') return ROLLOUT_EXIT.ok;
  if (rollout.status === 'aborted') return ROLLOUT_EXIT.aborted;
  return ROLLOUT_EXIT.needsDecision;
}

export async function runRollout(
  argv: string[],
  io: ApplyIo & { tty?: boolean | undefined },
): Promise<number> {
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
    const watch = (id: string, intervalMs: number) =>
      watchRollout(client, id, { intervalMs, json, tty: io.tty ?? false, out: io.out });
    if (args.command === 'start') {
      const started = await client.request<RolloutView>('POST', '/v1/rollouts', args.body);
      if (!args.watch) {
        io.out(json ? JSON.stringify(started) : formatRollout(started));
        return ROLLOUT_EXIT.ok;
      }
      return watchedExit(await watch(started.id, args.intervalMs));
    }
    if (args.command === 'watch') return watchedExit(await watch(args.id, args.intervalMs));
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
      const refused =
        error instanceof AdminApiError &&
        (error.status === 400 || error.status === 404 || error.status === 409);
      return refused ? ROLLOUT_EXIT.refused : ROLLOUT_EXIT.failed;
    }
    throw error;
  }
}
