// `keep rollout start`: the body of POST /v1/rollouts from command-line flags; the admin API checks the rest.
import { parseWaves } from './parse-waves.js';

export interface StartFlags {
  policy?: string | undefined;
  version?: string | undefined;
  remove?: boolean | undefined;
  assignment?: string | undefined;
  waves?: string | undefined;
  approval?: boolean | undefined;
  'min-soak'?: string | undefined;
  'max-failed'?: string | undefined;
  'min-verified'?: string | undefined;
  'time-limit'?: string | undefined;
  'check-interval'?: string | undefined;
}

/** The flags only `start` takes. */
export const START_FLAGS = [
  'version',
  'remove',
  'assignment',
  'waves',
  'approval',
  'min-soak',
  'max-failed',
  'min-verified',
  'time-limit',
  'check-interval',
] as const;

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`--${flag} must be a number`);
  return n;
}

export function startBody(flags: StartFlags): Record<string, unknown> {
  if (!flags.policy) throw new Error('start needs --policy <id>');
  if (!flags.waves) throw new Error('start needs --waves (e.g. label:canary,50%,100% or 10,100%)');
  if (flags.assignment && !flags.remove) throw new Error('--assignment is for --remove');
  const gates = {
    maxFailedPercent: number('max-failed', flags['max-failed']),
    minVerifiedPercent: number('min-verified', flags['min-verified']),
    timeLimitSeconds: number('time-limit', flags['time-limit']),
  };
  const given = Object.fromEntries(Object.entries(gates).filter(([, v]) => v !== undefined));
  return {
    policyId: flags.policy,
    ...(flags.version !== undefined && { version: number('version', flags.version) }),
    ...(flags.remove && { remove: true }),
    ...(flags.assignment && { assignmentId: flags.assignment }),
    waves: parseWaves(flags.waves),
    ...(flags.approval && { requireApproval: true }),
    ...(flags['min-soak'] !== undefined && { minSoakSeconds: number('min-soak', flags['min-soak']) }),
    ...(flags['check-interval'] !== undefined && {
      checkIntervalSeconds: number('check-interval', flags['check-interval']),
    }),
    ...(Object.keys(given).length > 0 && { gates: given }),
  };
}
