// Both halves of the plane check: each proves its worker can reach its own schema.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { EdgeDatabase } from '../core/db/edge-database.js';
import type { PlaneCheckTable } from '../core/db/plane-check.table.js';

export interface PlaneCheckStamp {
  workflowId: string;
  marker: string;
}

/** Idempotent by workflow id: a retried activity returns the first stamp. */
async function stamp(
  anyDb: Kysely<CoreDatabase> | Kysely<EdgeDatabase>,
  input: PlaneCheckStamp,
): Promise<string> {
  // Both schemas hold plane_checks with one shape; Kysely's invariant generics need telling.
  const db = anyDb as unknown as Kysely<{ plane_checks: PlaneCheckTable }>;
  await db
    .insertInto('plane_checks')
    .values({ workflow_id: input.workflowId, marker: input.marker })
    .onConflict((oc) => oc.column('workflow_id').doNothing())
    .execute();
  const row = await db
    .selectFrom('plane_checks')
    .select('checked_at')
    .where('workflow_id', '=', input.workflowId)
    .executeTakeFirstOrThrow();
  return row.checked_at.toISOString();
}

export function createEdgePlaneCheckActivities(deps: { db: Kysely<EdgeDatabase> }) {
  return { stampEdge: (input: PlaneCheckStamp) => stamp(deps.db, input) };
}

export function createCorePlaneCheckActivities(deps: { db: Kysely<CoreDatabase> }) {
  return { stampCore: (input: PlaneCheckStamp) => stamp(deps.db, input) };
}

export type EdgePlaneCheckActivities = ReturnType<typeof createEdgePlaneCheckActivities>;
export type CorePlaneCheckActivities = ReturnType<typeof createCorePlaneCheckActivities>;
