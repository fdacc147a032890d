// The devices a rollout targets, as one query: those its policy's assignments select, or for a removal of one
// assignment those it selects that no other assignment of the policy keeps. Placing the waves and checking a
// canary label before the start both read it.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../db/core-database.js';
import type { PolicyAssignmentRow } from '../db/core/policy.table.js';
import { targetOf } from '../policy/policy-target.js';
import { devicesMatching } from '../policy/policy-target.query.js';

export function rolloutTargetSet(
  db: Kysely<CoreDatabase>,
  assignments: readonly PolicyAssignmentRow[],
  /** The assignment a removal withdraws; null for every one (and for a new version). */
  withdrawn: string | null,
) {
  const targets = assignments.filter((a) => withdrawn === null || a.id === withdrawn).map(targetOf);
  const kept = withdrawn === null ? [] : assignments.filter((a) => a.id !== withdrawn).map(targetOf);
  return devicesMatching(db, targets).where(
    'devices.id',
    'not in',
    devicesMatching(db, kept).select('devices.id'),
  );
}
