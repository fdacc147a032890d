// What an admin may do to a rollout in each status: one table, so the workflow's Updates and the API agree.
import type { RolloutStatus } from './rollout-plan.js';

export type RolloutAction = 'pause' | 'resume' | 'approve' | 'abort';

/** The status an action leads to, or why it is refused. */
export function rolloutTransition(
  status: RolloutStatus,
  action: RolloutAction,
): { to: RolloutStatus } | { refused: string } {
  const refuse = { refused: `the rollout is ${status}: it cannot ${action}` };
  switch (action) {
    case 'pause':
      return status === 'running' || status === 'awaiting-approval' ? { to: 'paused' } : refuse;
    case 'resume':
      return status === 'paused' ? { to: 'running' } : refuse;
    case 'approve':
      return status === 'paused' || status === 'awaiting-approval' ? { to: 'running' } : refuse;
    case 'abort':
      return status === 'completed' || status === 'aborted' ? refuse : { to: 'aborted' };
  }
}
