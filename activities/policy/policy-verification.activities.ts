// The scheduled proof of policies: picks the devices holding a policy whose last proof is oldest and records for
// them one bulk command each of SecurityInfo (where a policy needs it) and ProfileList, requested by `policy`,
// so the bulk fan-out queues them a page at a time and each answer wakes only its own device workflow to verify.
import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { buildCommand, serializeCommand } from '../../core/apple/commands/index.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { recordAdminStart } from '../../core/device/admin-start.repository.js';
import { POLICY_REQUESTER } from '../../core/policy/policy-report.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { Db } from './device-policy.store.js';

export interface PolicyVerificationRun {
  /** The bulk commands to fan out, in order: SecurityInfo first, so its facts are in when ProfileList verifies. */
  bulkIds: string[];
  /** Devices asked for their ProfileList this run. */
  devices: number;
}

/** Only FileVault needs more than the ProfileList: the profile alone does not prove the disk is encrypted. */
const NEEDS_SECURITY_INFO = ['diskEncryption'];

export function createPolicyVerificationActivities(deps: { db: Kysely<CoreDatabase>; maxPerRun: number }) {
  const { db } = deps;

  /** One bulk command row, named by the run and request type, so a retried activity finds the one it wrote. */
  async function insertBulk(tx: Db, runKey: string, requestType: 'ProfileList' | 'SecurityInfo') {
    const placeholderUuid = randomUUID();
    const idempotencyKey = `${runKey}:${requestType}`;
    const inserted = await tx
      .insertInto('bulk_commands')
      .values({
        id: randomUUID(),
        requested_by: POLICY_REQUESTER,
        idempotency_key: idempotencyKey,
        request_digest: createHash('sha256').update(requestType).digest('hex'),
        platform: 'apple',
        request_type: requestType,
        payload: serializeCommand(buildCommand({ requestType }, placeholderUuid)),
        placeholder_uuid: placeholderUuid,
      })
      .onConflict((oc) => oc.constraint('bulk_commands_idempotency').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted && { id: inserted.id };
  }

  return {
    /**
     * Records this run's bulk commands (idempotent by `runKey`): ProfileList for at most `maxPerRun` enrolled
     * Apple devices holding a policy, the one proven longest ago (or never) first, and SecurityInfo for those of
     * them holding a policy that needs it. No device row or workflow is touched per device here.
     */
    async recordPolicyVerification(input: { runKey: string }): Promise<PolicyVerificationRun> {
      const run = await db.transaction().execute(async (tx): Promise<PolicyVerificationRun> => {
        const earlier = await tx
          .selectFrom('bulk_commands')
          .innerJoin('bulk_command_targets', 'bulk_command_targets.bulk_id', 'bulk_commands.id')
          .select(['bulk_commands.id', 'bulk_commands.request_type', sql<string>`count(*)`.as('n')])
          .where('requested_by', '=', POLICY_REQUESTER)
          .where('idempotency_key', 'like', `${input.runKey}:%`)
          .groupBy(['bulk_commands.id', 'bulk_commands.request_type'])
          .execute();
        if (earlier.length > 0) {
          const ordered = [...earlier].sort((a, b) => b.request_type.localeCompare(a.request_type));
          const list = earlier.find((row) => row.request_type === 'ProfileList');
          return { bulkIds: ordered.map((row) => row.id), devices: Number(list?.n ?? 0) };
        }
        const list = (await insertBulk(tx, input.runKey, 'ProfileList'))!;
        const { rows } = await sql<{ device_id: string }>`
          insert into core.bulk_command_targets (bulk_id, device_id, command_uuid, state)
          select ${list.id}::uuid, d.id::text, gen_random_uuid()::text, 'pending'
          from core.devices d
          where d.platform = 'apple' and d.enrollment_status = 'enrolled' and d.enrollment_id is not null
            and exists (select 1 from core.device_policies p where p.device_id = d.id and p.version is not null)
          order by (select max(c.proven_at) from core.device_policy_compliance c where c.device_id = d.id)
            asc nulls first, d.id
          limit ${deps.maxPerRun}
          returning device_id`.execute(tx);
        if (rows.length === 0) {
          await tx.deleteFrom('bulk_commands').where('id', '=', list.id).execute();
          return { bulkIds: [], devices: 0 };
        }
        const security = (await insertBulk(tx, input.runKey, 'SecurityInfo'))!;
        const { numAffectedRows } = await sql`
          insert into core.bulk_command_targets (bulk_id, device_id, command_uuid, state)
          select ${security.id}::uuid, t.device_id, gen_random_uuid()::text, 'pending'
          from core.bulk_command_targets t
          where t.bulk_id = ${list.id}::uuid and exists (
            select 1 from core.device_policies p
            join core.policy_versions v on v.policy_id = p.policy_id and v.version = p.version
            where p.device_id::text = t.device_id and (v.document -> 'settings') ?| ${NEEDS_SECURITY_INFO}::text[]
          )`.execute(tx);
        if (Number(numAffectedRows ?? 0) === 0) {
          await tx.deleteFrom('bulk_commands').where('id', '=', security.id).execute();
          return { bulkIds: [list.id], devices: rows.length };
        }
        return { bulkIds: [security.id, list.id], devices: rows.length };
      });
      // The fan-out checks its start was recorded in the core (as the admin API records an admin's): the edge
      // cannot start one of its own.
      for (const bulkId of run.bulkIds)
        await recordAdminStart(db, {
          workflowId: workflowIds.bulkCommand(bulkId),
          workflowType: 'bulkCommandWorkflow',
          input: { bulkId },
          requestedBy: POLICY_REQUESTER,
        });
      return run;
    },
  };
}

export type PolicyVerificationActivities = ReturnType<typeof createPolicyVerificationActivities>;
