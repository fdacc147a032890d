// /v1/policies: validate, store (a new version on every change), list, read a version, diff two versions, delete.
import { HTTPException } from 'hono/http-exception';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { PolicyRow, PolicyVersionRow } from '../../core/db/core/policy.table.js';
import { diffPolicies, policySchema, type Policy } from '../../core/policy/index.js';
import { recordAudit } from '../audit.repository.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { readQuery } from '../json-body.js';
import { errorBody } from '../openapi.js';
import { listAssignments } from './policy-assignment.repository.js';
import {
  deletePolicy,
  findPolicy,
  findPolicyVersion,
  listPolicies,
  RolloutInProgressError,
  storePolicyVersion,
} from './policy.repository.js';
import { policyProblemsBody, readPolicyBody } from './read-policy-body.js';
import { startPolicyFanOut } from './start-policy-fanout.js';

const policySummary = z.object({
  id: z.uuid(),
  name: z.string(),
  latestVersion: z.number().int(),
  createdAt: z.iso.datetime(),
});
const versionView = z.object({
  policyId: z.uuid(),
  version: z.number().int(),
  contentHash: z.string(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  document: z.record(z.string(), z.unknown()),
});
const storedView = versionView.extend({
  created: z.boolean().describe('False when the content equals the latest version (nothing new stored).'),
  fanOutWorkflowId: z
    .string()
    .nullable()
    .describe('The workflow telling the assigned devices; null when unassigned.'),
});

function summary(p: PolicyRow): z.infer<typeof policySummary> {
  return { id: p.id, name: p.name, latestVersion: p.latest_version, createdAt: p.created_at.toISOString() };
}

function versionOf(v: PolicyVersionRow): z.infer<typeof versionView> {
  return {
    policyId: v.policy_id,
    version: v.version,
    contentHash: v.content_hash,
    createdBy: v.created_by,
    createdAt: v.created_at.toISOString(),
    document: v.document,
  };
}

export async function policyOr404(db: Kysely<CoreDatabase>, id: string): Promise<PolicyRow> {
  const policy = await findPolicy(db, id);
  if (!policy || policy.latest_version === 0) throw new HTTPException(404, { message: 'id: no such policy' });
  return policy;
}

async function versionOr404(db: Kysely<CoreDatabase>, policyId: string, version: number, field: string) {
  const row = await findPolicyVersion(db, policyId, version);
  if (!row) throw new HTTPException(404, { message: `${field}: the policy has no version ${version}` });
  return row;
}

const versionNumber = z.coerce.number().int().positive();
const diffQuery = z.object({
  from: versionNumber.describe('The earlier version.'),
  to: versionNumber.describe('The later version.'),
});
const storeQuery = z.object({
  staged: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'true: store the version without releasing it; devices keep theirs until a rollout (POST /v1/rollouts).',
    ),
});
const policyParams = { id: 'The policy id.' };
const bodyDoc = policySchema.describe(
  'The policy document as JSON, or as YAML with content-type application/yaml.',
);

export function policyRoutes(deps: {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  timeoutMs: number;
}): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/policies/validate',
        summary:
          'Check a policy document without storing it (every problem names its field, and in YAML its line).',
        permission: 'policies:read',
        body: bodyDoc,
        responses: {
          200: { description: 'Valid.', schema: z.object({ valid: z.literal(true), name: z.string() }) },
          400: { description: 'Invalid; every problem listed.', schema: policyProblemsBody },
        },
      },
      async (c) => {
        const read = await readPolicyBody(c);
        if ('refused' in read) return read.refused;
        return c.json({ valid: true as const, name: read.policy.name });
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/policies',
        summary:
          'Store a policy document as the next version of the policy of its name, and apply it to the devices it is assigned to.',
        permission: 'policies:write',
        body: bodyDoc,
        query: storeQuery,
        responses: {
          201: { description: 'A new version.', schema: storedView },
          200: { description: 'Same content as the latest version: nothing new stored.', schema: storedView },
          400: { description: 'Invalid; every problem listed.', schema: policyProblemsBody },
          409: {
            description: 'A rollout of the policy is in progress: stage the version, or abort the rollout.',
            schema: errorBody,
          },
          503: {
            description: 'Stored, but the devices could not be told yet; send it again.',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        const staged = readQuery(c, storeQuery).staged === 'true';
        const read = await readPolicyBody(c);
        if ('refused' in read) return read.refused;
        const principal = c.get('principal');
        await recordAudit(deps.db, principal, {
          action: 'policy.version.create',
          targetKind: 'policy',
          details: { name: read.policy.name, staged },
        });
        const stored = await storePolicyVersion(deps.db, read.policy, principal.subject, { staged }).catch(
          (error: unknown) => {
            if (error instanceof RolloutInProgressError)
              throw new HTTPException(409, { message: error.message, cause: error });
            throw error;
          },
        );
        // Sent again unchanged, it has every assigned device prove its state again (and retries after a 503);
        // a new staged version changes no device's desired state.
        const assigned =
          !(staged && stored.created) && (await listAssignments(deps.db, stored.policy.id)).length > 0;
        const fanOutWorkflowId = assigned
          ? await startPolicyFanOut(deps, stored.policy.id, { everyDevice: !stored.created })
          : null;
        return c.json(
          { ...versionOf(stored.version), created: stored.created, fanOutWorkflowId },
          stored.created ? 201 : 200,
        );
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/policies',
        summary: 'List policies.',
        permission: 'policies:read',
        responses: {
          200: { description: 'Every policy.', schema: z.object({ items: z.array(policySummary) }) },
        },
      },
      async (c) => c.json({ items: (await listPolicies(deps.db)).map(summary) }),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/policies/{id}',
        summary: "A policy's latest version.",
        permission: 'policies:read',
        params: policyParams,
        responses: {
          200: { description: 'The latest version.', schema: versionView },
          404: { description: 'No such policy.', schema: errorBody },
        },
      },
      async (c) => {
        const policy = await policyOr404(deps.db, c.req.param('id'));
        return c.json(versionOf(await versionOr404(deps.db, policy.id, policy.latest_version, 'id')));
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/policies/{id}',
        summary:
          'Delete a policy: every assignment is withdrawn, so its devices have it removed (profiles, the apps Keep installed, declarations); its versions are kept, and storing its name again brings it back unassigned.',
        permission: 'policies:write',
        params: policyParams,
        responses: {
          200: {
            description: 'Deleted; the devices are being told.',
            schema: z.object({ fanOutWorkflowId: z.string() }),
          },
          404: { description: 'No such policy.', schema: errorBody },
          409: { description: 'A rollout of the policy is in progress.', schema: errorBody },
          503: {
            description: 'Deleted, but Temporal did not start telling the devices in time.',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        const policy = await policyOr404(deps.db, c.req.param('id'));
        await recordAudit(deps.db, c.get('principal'), {
          action: 'policy.delete',
          targetKind: 'policy',
          targetId: policy.id,
          details: { name: policy.name },
        });
        const deleted = await deletePolicy(deps.db, policy.id).catch((error: unknown) => {
          if (error instanceof RolloutInProgressError)
            throw new HTTPException(409, { message: error.message, cause: error });
          throw error;
        });
        if (!deleted) throw new HTTPException(404, { message: 'id: no such policy' });
        return c.json({ fanOutWorkflowId: await startPolicyFanOut(deps, policy.id) });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/policies/{id}/versions/{version}',
        summary: 'One version of a policy (every version is kept).',
        permission: 'policies:read',
        params: { ...policyParams, version: 'The version number.' },
        responses: {
          200: { description: 'The version.', schema: versionView },
          400: { description: 'The version is not a number.', schema: errorBody },
          404: { description: 'No such policy or version.', schema: errorBody },
        },
      },
      async (c) => {
        const policy = await policyOr404(deps.db, c.req.param('id'));
        const parsed = versionNumber.safeParse(c.req.param('version'));
        if (!parsed.success) throw new HTTPException(400, { message: 'version: must be a positive integer' });
        return c.json(versionOf(await versionOr404(deps.db, policy.id, parsed.data, 'version')));
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/policies/{id}/diff',
        summary: 'What changed between two versions, field by field.',
        permission: 'policies:read',
        params: policyParams,
        query: diffQuery,
        responses: {
          200: {
            description: 'The changes, by field path.',
            schema: z.object({
              from: z.number().int(),
              to: z.number().int(),
              changes: z.array(
                z.object({
                  path: z.string(),
                  change: z.enum(['added', 'removed', 'changed']),
                  before: z.unknown().optional(),
                  after: z.unknown().optional(),
                }),
              ),
            }),
          },
          404: { description: 'No such policy or version.', schema: errorBody },
        },
      },
      async (c) => {
        const policy = await policyOr404(deps.db, c.req.param('id'));
        const { from, to } = readQuery(c, diffQuery);
        const before = await versionOr404(deps.db, policy.id, from, 'from');
        const after = await versionOr404(deps.db, policy.id, to, 'to');
        const changes = diffPolicies(before.document as Policy, after.document as Policy);
        return c.json({ from, to, changes });
      },
    ),
  ];
}
