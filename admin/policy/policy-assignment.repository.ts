// Assignments of a policy to targets in core.policy_assignments.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { PolicyAssignmentRow } from '../../core/db/core/policy.table.js';
import type { PolicyTarget } from '../../core/policy/index.js';
import { isUuid } from '../ids.js';

export async function insertAssignment(
  db: Kysely<CoreDatabase>,
  policyId: string,
  target: PolicyTarget,
  createdBy: string,
): Promise<PolicyAssignmentRow> {
  return db
    .insertInto('policy_assignments')
    .values({
      policy_id: policyId,
      team_id: target.teamId ?? null,
      label: target.label ?? null,
      platforms: target.platforms ?? null,
      min_os_version: target.minOsVersion ?? null,
      max_os_version: target.maxOsVersion ?? null,
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listAssignments(
  db: Kysely<CoreDatabase>,
  policyId: string,
): Promise<PolicyAssignmentRow[]> {
  return db
    .selectFrom('policy_assignments')
    .selectAll()
    .where('policy_id', '=', policyId)
    .orderBy('created_at')
    .execute();
}

export async function deleteAssignment(
  db: Kysely<CoreDatabase>,
  policyId: string,
  id: string,
): Promise<boolean> {
  if (!isUuid(id)) return false;
  const row = await db
    .deleteFrom('policy_assignments')
    .where('policy_id', '=', policyId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
