// Which changes of a rollout's status its webhook receivers hear of: those a person acts on, and the ends.
import type { RolloutStatus } from './rollout-plan.js';

export type NotifiedRolloutStatus = Extract<
  RolloutStatus,
  'paused' | 'awaiting-approval' | 'completed' | 'aborted'
>;

export function isNotifiedRolloutStatus(status: RolloutStatus): status is NotifiedRolloutStatus {
  switch (status) {
    case 'paused':
    case 'awaiting-approval':
    case 'completed':
    case 'aborted':
      return true;
    case 'running':
      return false;
    default: {
      const unknown: never = status;
      throw new TypeError(`unknown rollout status ${String(unknown)}`);
    }
  }
}
