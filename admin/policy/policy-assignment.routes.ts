// /v1/policies/{id}/assignments: assign a policy to targets (teams, platforms, OS versions), with a dry run
// that shows the devices a target selects before anything is sent.
import { HTTPException } from 'hono/http-exception';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { PolicyAssignmentRow } from '../../core/db/core/policy.table.js';
import { policyTargetSchema, targetOf, type PolicyTarget } from '../../core/policy/index.js';
import { devicesMatching } from '../../core/policy/policy-target.query.js';
import { recordAudit } from '../audit.repository.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { readJson, readQuery } from '../json-body.js';
import { errorBody } from '../openapi.js';
import { findTeam } from '../team.repository.js';
import { deleteAssignment, insertAssignment, listAssignments } from './policy-assignment.repository.js';
import { policyOr404 } from './policy.routes.js';
import { startPolicyFanOut } from './start-policy-fanout.js';

/** A dry run lists at most this many devices; `count` is always the full number. */
const DRY_RUN_LIMIT = 1000;

const assignmentView = policyTargetSchema.extend({
  id: z.uuid(),
  policyId: z.uuid(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});
const resolvedView = z.object({
  count: z.number().int().describe('How many devices the targets select.'),
  devices: z
    .array(
      z.object({
        id: z.uuid(),
        name: z.string().nullable(),
        osPlatform: z.string().nullable(),
        osVersion: z.string().nullable(),
      }),
    )
    .describe(`The first ${DRY_RUN_LIMIT}, by id.`),
});
const dryRunQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: show the devices the target selects, store nothing.'),
});

function view(row: PolicyAssignmentRow): z.infer<typeof assignmentView> {
  return {
    id: row.id,
    policyId: row.policy_id,
    ...targetOf(row),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

async function resolve(
  db: Kysely<CoreDatabase>,
  targets: PolicyTarget[],
): Promise<z.infer<typeof resolvedView>> {
  const query = devicesMatching(db, targets);
  const [{ count }] = (await query.select((eb) => eb.fn.countAll<string>().as('count')).execute()) as [
    { count: string },
  ];
  const devices = await query
    .select(['devices.id', 'devices.name', 'devices.os_platform', 'devices.os_version'])
    .orderBy('devices.id')
    .limit(DRY_RUN_LIMIT)
    .execute();
  return {
    count: Number(count),
    devices: devices.map((d) => ({
      id: d.id,
      name: d.name,
      osPlatform: d.os_platform,
      osVersion: d.os_version,
    })),
  };
}

const policyParams = { id: 'The policy id.' };

export function policyAssignmentRoutes(deps: {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  timeoutMs: number;
}): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/policies/{id}/assignments',
        summary:
          'Assign the policy to a target and apply it to the devices it selects (or, with dryRun, only list them).',
        permission: 'policies:write',
        params: policyParams,
        query: dryRunQuery,
        body: policyTargetSchema,
        responses: {
          201: {
            description: 'Assigned; the devices are being told.',
            schema: z.object({ assignment: assignmentView, fanOutWorkflowId: z.string() }),
          },
          200: { description: 'Dry run: the devices the target selects.', schema: resolvedView },
          400: { description: 'A field is invalid, or the team does not exist.', schema: errorBody },
          404: { description: 'No such policy.', schema: errorBody },
        },
      },
      async (c) => {
        const policy = await policyOr404(deps.db, c.req.param('id'));
        const { dryRun } = readQuery(c, dryRunQuery);
        const target = await readJson(c, policyTargetSchema);
        if (target.teamId && !(await findTeam(deps.db, target.teamId)))
          throw new HTTPException(400, { message: 'teamId: no such team' });
        if (dryRun === 'true') return c.json(await resolve(deps.db, [target]), 200);
        const principal = c.get('principal');
        await recordAudit(deps.db, principal, {
          action: 'policy.assignment.create',
          targetKind: 'policy',
          targetId: policy.id,
          details: { ...target },
        });
        const assignment = await insertAssignment(deps.db, policy.id, target, principal.subject);
        const fanOutWorkflowId = await startPolicyFanOut(deps, policy.id);
        return c.json({ assignment: view(assignment), fanOutWorkflowId }, 201);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/policies/{id}/assignments',
        summary: "The policy's assignments.",
        permission: 'policies:read',
        params: policyParams,
        responses: {
          200: { description: 'Every assignment.', schema: z.object({ items: z.array(assignmentView) }) },
          404: { description: 'No such policy.', schema: errorBody },
        },
      },
      async (c) => {
        const policy = await policyOr404(deps.db, c.req.param('id'));
        return c.json({ items: (await listAssignments(deps.db, policy.id)).map(view) });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/policies/{id}/targets',
        summary: "The devices the policy's assignments select now (what the next change would be sent to).",
        permission: 'policies:read',
        params: policyParams,
        responses: {
          200: { description: 'The selected devices.', schema: resolvedView },
          404: { description: 'No such policy.', schema: errorBody },
        },
      },
      async (c) => {
        const policy = await policyOr404(deps.db, c.req.param('id'));
        const targets = (await listAssignments(deps.db, policy.id)).map(targetOf);
        return c.json(await resolve(deps.db, targets));
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/policies/{id}/assignments/{assignmentId}',
        summary: 'Withdraw an assignment: devices no longer selected have the policy removed.',
        permission: 'policies:write',
        params: { ...policyParams, assignmentId: 'The assignment id.' },
        responses: {
          200: {
            description: 'Withdrawn; the devices are being told.',
            schema: z.object({ fanOutWorkflowId: z.string() }),
          },
          404: { description: 'No such policy or assignment.', schema: errorBody },
        },
      },
      async (c) => {
        const policy = await policyOr404(deps.db, c.req.param('id'));
        const assignmentId = c.req.param('assignmentId');
        await recordAudit(deps.db, c.get('principal'), {
          action: 'policy.assignment.delete',
          targetKind: 'policy',
          targetId: policy.id,
          details: { assignmentId },
        });
        if (!(await deleteAssignment(deps.db, policy.id, assignmentId)))
          throw new HTTPException(404, { message: 'assignmentId: no such assignment of this policy' });
        return c.json({ fanOutWorkflowId: await startPolicyFanOut(deps, policy.id) });
      },
    ),
  ];
}
