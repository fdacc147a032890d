// /v1/rollouts: start a staged rollout of a policy version, list and read them (progress from the core DB), and
// pause, resume, approve or abort one through its workflow's Updates. Audited before each change.
import { randomUUID } from 'node:crypto';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Rollout } from '../../core/db/core/rollout.table.js';
import {
  rolloutPlanSchema,
  rolloutProgress,
  rolloutTargetSet,
  type RolloutAction,
} from '../../core/rollout/index.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { RolloutInput } from '../../workflows/rollout.workflow.js';
import {
  abortRolloutUpdate,
  approveRolloutUpdate,
  pauseRolloutUpdate,
  resumeRolloutUpdate,
} from '../../workflows/rollout.messages.js';
import { recordAdminAction } from '../admin-command-request.repository.js';
import { recordAudit } from '../audit.repository.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { isUuid } from '../ids.js';
import { readJson, readQuery } from '../json-body.js';
import { snapshotStream, snapshotStreamDescription } from '../snapshot-stream.js';
import { errorBody } from '../openapi.js';
import { listAssignments } from '../policy/policy-assignment.repository.js';
import { findPolicy, findPolicyVersion } from '../policy/policy.repository.js';
import { TemporalDeadlineError, withTemporalDeadline } from '../temporal-deadline.js';
import { deleteRollout, findRollout, insertRollout, listRollouts } from './rollout.repository.js';

const startBody = rolloutPlanSchema.extend({
  policyId: z.guid().describe('The policy to roll out.'),
  version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('The version to roll out; the latest by default. Store it with POST /v1/policies?staged=true.'),
  remove: z
    .boolean()
    .optional()
    .describe(
      "Roll out a removal instead: each wave's devices have the policy withdrawn (profiles, the apps Keep installed, declarations); on completion the assignments are deleted, on abort the policy is applied again.",
    ),
  assignmentId: z
    .guid()
    .optional()
    .describe(
      'With remove: withdraw only this assignment (its devices that no other assignment of the policy selects).',
    ),
});

const listQuery = z.object({ policyId: z.guid().optional().describe("Only this policy's rollouts.") });

const waveView = z.object({
  wave: z.number().int(),
  targeted: z.number().int(),
  sent: z.number().int(),
  acknowledged: z.number().int(),
  verified: z.number().int(),
  failed: z.number().int(),
  notApplicable: z.number().int(),
});
const rolloutView = z.object({
  id: z.uuid(),
  policyId: z.uuid(),
  fromVersion: z.number().int(),
  toVersion: z.number().int().describe('For a removal, the version withdrawn (the same as fromVersion).'),
  removal: z.boolean(),
  assignmentId: z.uuid().nullable().describe('The assignment a removal withdraws; null for every one.'),
  status: z.enum(['running', 'paused', 'awaiting-approval', 'completed', 'aborted']),
  reason: z
    .string()
    .nullable()
    .describe('Why it paused or waits (a failed gate names the wave and the shares).'),
  currentWave: z.number().int().describe('0-based.'),
  waveCount: z.number().int(),
  plan: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});
const detailView = rolloutView.extend({ waves: z.array(waveView) });

function viewOf(r: Rollout): z.infer<typeof rolloutView> {
  return {
    id: r.id,
    policyId: r.policy_id,
    fromVersion: r.from_version,
    toVersion: r.to_version,
    removal: r.removal,
    assignmentId: r.assignment_id,
    status: r.status,
    reason: r.reason,
    currentWave: r.current_wave,
    waveCount: r.wave_count,
    plan: r.plan,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  };
}

const updates = {
  pause: pauseRolloutUpdate,
  resume: resumeRolloutUpdate,
  approve: approveRolloutUpdate,
  abort: abortRolloutUpdate,
} as const;

const actionSummaries: Record<RolloutAction, string> = {
  pause: 'Pause a running rollout (or one waiting for approval); no further wave is released.',
  resume: 'Resume a paused rollout; a wave that failed its gate is judged again with a fresh time limit.',
  approve: 'Accept the wave that failed its gate, or let the next wave go when approval is required.',
  abort: 'Stop the rollout; every device it changed goes back to the version it held before.',
};

export function rolloutRoutes(deps: {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  timeoutMs: number;
}): AdminRoute[] {
  async function rolloutOr404(id: string): Promise<Rollout> {
    const rollout = isUuid(id) ? await findRollout(deps.db, id) : undefined;
    if (!rollout) throw new HTTPException(404, { message: 'id: no such rollout' });
    return rollout;
  }
  const actionRoutes = (Object.keys(updates) as RolloutAction[]).map((action) =>
    defineRoute(
      {
        method: 'post',
        path: `/v1/rollouts/{id}/${action}`,
        summary: actionSummaries[action],
        permission: 'policies:write',
        params: { id: 'The rollout id.' },
        responses: {
          200: { description: 'The rollout after the change.', schema: detailView },
          404: { description: 'No such rollout.', schema: errorBody },
          409: { description: 'Not possible in its status (the message says why).', schema: errorBody },
          503: { description: 'Temporal did not answer in time; send it again.', schema: errorBody },
        },
      },
      async (c) => {
        const rollout = await rolloutOr404(c.req.param('id'));
        const principal = c.get('principal');
        await recordAudit(deps.db, principal, {
          action: `rollout.${action}`,
          targetKind: 'rollout',
          targetId: rollout.id,
          details: { policyId: rollout.policy_id, toVersion: rollout.to_version },
        });
        // The proof the workflow checks and uses up: only the core role can write it, so the edge cannot act.
        const requestId = randomUUID();
        await recordAdminAction(deps.db, {
          requestId,
          action: `rollout.${action}`,
          targetKind: 'rollout',
          targetId: rollout.id,
          requestedBy: principal.subject,
        });
        const handle = deps.temporal.workflow.getHandle(workflowIds.rollout(rollout.id));
        try {
          await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
            handle.executeUpdate(updates[action], {
              args: [{ by: principal.subject, requestId }],
              updateId: requestId,
            }),
          );
        } catch (error) {
          if (error instanceof WorkflowUpdateFailedError)
            throw new HTTPException(409, { message: error.cause?.message ?? 'refused', cause: error });
          if (error instanceof WorkflowNotFoundError)
            throw new HTTPException(409, { message: `the rollout is ${rollout.status}`, cause: error });
          if (
            error instanceof TemporalDeadlineError ||
            error instanceof WorkflowUpdateRPCTimeoutOrCancelledError
          )
            throw new HTTPException(503, {
              message: 'Temporal did not answer in time; send the same request again',
              cause: error,
            });
          throw error;
        }
        const after = await rolloutOr404(rollout.id);
        return c.json({ ...viewOf(after), waves: await rolloutProgress(deps.db, after.id) });
      },
    ),
  );
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/rollouts',
        summary:
          'Roll a policy version out in waves over the devices its assignments select, each wave gated by the health of its devices.',
        permission: 'policies:write',
        body: startBody,
        responses: {
          201: { description: 'Started.', schema: rolloutView },
          400: {
            description:
              'Invalid, or a canary label no targeted device carries; the message names the field.',
            schema: errorBody,
          },
          404: { description: 'No such policy, version or assignment.', schema: errorBody },
          409: {
            description:
              'The version is already released, a removal of a policy with no assignment, or a rollout of the policy is in progress.',
            schema: errorBody,
          },
          503: { description: 'Temporal did not start it in time; nothing was kept.', schema: errorBody },
        },
      },
      async (c) => {
        const { policyId, version, remove, assignmentId, ...plan } = await readJson(c, startBody);
        if (remove && version !== undefined)
          throw new HTTPException(400, {
            message: 'version: a removal withdraws the policy; it takes no version',
          });
        if (!remove && assignmentId !== undefined)
          throw new HTTPException(400, {
            message: 'assignmentId: only a removal (remove: true) takes an assignment',
          });
        const policy = await findPolicy(deps.db, policyId);
        if (!policy || policy.latest_version === 0)
          throw new HTTPException(404, { message: 'policyId: no such policy' });
        const fromVersion = policy.released_version ?? policy.latest_version;
        const toVersion = remove ? fromVersion : (version ?? policy.latest_version);
        if (!(await findPolicyVersion(deps.db, policyId, toVersion)))
          throw new HTTPException(404, { message: `version: the policy has no version ${toVersion}` });
        if (!remove && toVersion === fromVersion)
          throw new HTTPException(409, {
            message: `version: version ${toVersion} is already released to every device; store the next one with POST /v1/policies?staged=true`,
          });
        const assignments = await listAssignments(deps.db, policyId);
        if (assignmentId !== undefined && !assignments.some((a) => a.id === assignmentId))
          throw new HTTPException(404, { message: 'assignmentId: no such assignment of this policy' });
        if (remove && assignments.length === 0)
          throw new HTTPException(409, { message: 'remove: the policy has no assignment to withdraw' });
        // A canary label no targeted device carries would make no canary at all: the first wave would be the
        // whole next share, the opposite of what the admin asked for.
        const first = plan.waves[0];
        if (first && 'label' in first) {
          const carrying = await rolloutTargetSet(deps.db, assignments, (remove && assignmentId) || null)
            .where((eb) =>
              eb.exists(
                eb
                  .selectFrom('device_labels')
                  .select('device_labels.device_id')
                  .whereRef('device_labels.device_id', '=', 'devices.id')
                  .where('device_labels.label', '=', first.label),
              ),
            )
            .select('devices.id')
            .limit(1)
            .executeTakeFirst();
          if (!carrying)
            throw new HTTPException(400, {
              message: `waves[0].label: no device the rollout targets carries the label "${first.label}"`,
            });
        }
        const principal = c.get('principal');
        const id = randomUUID();
        await recordAudit(deps.db, principal, {
          action: 'rollout.start',
          targetKind: 'rollout',
          targetId: id,
          details: { policyId, fromVersion, toVersion, ...(remove && { removal: true, assignmentId }) },
        });
        const rollout = await insertRollout(deps.db, {
          id,
          policyId,
          fromVersion,
          toVersion,
          ...(remove && { removal: { assignmentId: assignmentId ?? null } }),
          plan,
          createdBy: principal.subject,
        });
        if (!rollout)
          throw new HTTPException(409, { message: 'policyId: a rollout of this policy is in progress' });
        const input: RolloutInput = { rolloutId: id };
        try {
          await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
            deps.temporal.workflow.start('rolloutWorkflow', {
              workflowId: workflowIds.rollout(id),
              taskQueue: deps.coreTaskQueue,
              args: [input],
            }),
          );
        } catch (error) {
          if (!(error instanceof TemporalDeadlineError)) throw error;
          // Nothing half-done: a rollout no workflow runs would block the policy's next one.
          await deleteRollout(deps.db, id);
          throw new HTTPException(503, {
            message: 'Temporal did not start the rollout in time; nothing was kept, send it again',
            cause: error,
          });
        }
        return c.json(viewOf(rollout), 201);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/rollouts',
        summary: 'List rollouts, newest first (500 at most).',
        permission: 'policies:read',
        query: listQuery,
        responses: {
          200: { description: 'Rollouts.', schema: z.object({ items: z.array(rolloutView) }) },
          400: { description: 'The message names the bad parameter.', schema: errorBody },
        },
      },
      async (c) => {
        const { policyId } = readQuery(c, listQuery);
        return c.json({ items: (await listRollouts(deps.db, policyId)).map(viewOf) });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/rollouts/{id}',
        summary:
          'A rollout with its live progress per wave: targeted, sent, acknowledged, verified, failed, not applicable.',
        permission: 'policies:read',
        params: { id: 'The rollout id.' },
        responses: {
          200: { description: 'The rollout.', schema: detailView },
          404: { description: 'No such rollout.', schema: errorBody },
        },
      },
      async (c) => {
        const rollout = await rolloutOr404(c.req.param('id'));
        return c.json({ ...viewOf(rollout), waves: await rolloutProgress(deps.db, rollout.id) });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/rollouts/{id}/events',
        summary: `The rollout as GET /v1/rollouts/{id} answers it, live. ${snapshotStreamDescription}`,
        permission: 'policies:read',
        params: { id: 'The rollout id.' },
        responses: {
          200: { description: 'Server-sent `snapshot` events, each data the rollout as JSON.' },
          404: { description: 'No such rollout.', schema: errorBody },
        },
      },
      async (c) => {
        const { id } = await rolloutOr404(c.req.param('id'));
        return snapshotStream(c, async () => {
          const rollout = await rolloutOr404(id);
          return { ...viewOf(rollout), waves: await rolloutProgress(deps.db, rollout.id) };
        });
      },
    ),
    ...actionRoutes,
  ];
}
