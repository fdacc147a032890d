// The scheduled proof of Windows PCs' policies: Apple devices are asked through one bulk command per run, but a
// PC's proof is a Get of its own nodes, which only its device workflow can plan. So a run tells, a page at a time,
// the workflows of at most `maxPerRun` enrolled PCs holding a policy (the one proven longest ago, or never, first)
// that their policies changed; each re-plans, sends nothing it already holds, and queues the Get whose answer
// verifies, repairing drift as a policy change does.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { POLICIES_CHANGED_SIGNAL } from '../../core/policy/policies-changed-signal.js';
import { workflowIds } from '../../core/temporal/task-queues.js';

export function createWindowsPolicyVerificationActivities(deps: {
  db: Kysely<CoreDatabase>;
  maxPerRun: number;
}) {
  const { db } = deps;
  return {
    /** The PCs this run proves, oldest proof first; their ids never enter Temporal beyond this activity. */
    async windowsPolicyProofPage(input: { offset: number; limit: number }): Promise<{
      signalled: number;
      more: boolean;
    }> {
      const limit = Math.max(0, Math.min(input.limit, deps.maxPerRun - input.offset));
      if (limit === 0) return { signalled: 0, more: false };
      const { rows } = await sql<{ id: string }>`
        select d.id::text as id from core.devices d
        where d.platform = 'windows' and d.enrollment_status = 'enrolled' and d.enrollment_id is not null
          and exists (select 1 from core.device_policies p where p.device_id = d.id and p.version is not null)
        order by (select max(c.proven_at) from core.device_policy_compliance c where c.device_id = d.id)
          asc nulls first, d.id
        offset ${input.offset} limit ${limit}`.execute(db);
      const client = Context.current().client;
      const results = await Promise.all(
        rows.map(({ id }) =>
          client.workflow
            .getHandle(workflowIds.device(id))
            .signal(POLICIES_CHANGED_SIGNAL)
            .then(
              () => 1,
              (error: unknown) => {
                // Gone since the query: it has nothing left to prove.
                if (error instanceof WorkflowNotFoundError) return 0;
                throw error;
              },
            ),
        ),
      );
      return { signalled: results.reduce<number>((a, b) => a + b, 0), more: rows.length === limit };
    },
  };
}

export type WindowsPolicyVerificationActivities = ReturnType<
  typeof createWindowsPolicyVerificationActivities
>;
