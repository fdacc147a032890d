// /v1/pki/ca-rollovers: start a CA rollover (a new issuing CA under the root; devices renewed onto it, the old CA
// retired), read its progress from its workflow, and pause or resume it. Audited before each change; the
// workflow checks the admin API's recorded request (start and each Update), which the edge cannot forge.
import { randomUUID } from 'node:crypto';
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import { ROOT_KEY_NEEDED } from '../core/pki/root-rollover.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import {
  caRolloverProgressQuery,
  pauseCaRolloverUpdate,
  resumeCaRolloverUpdate,
  type CaRolloverInput,
} from '../workflows/ca-rollover.messages.js';
import { recordAdminAction, recordAdminStart } from './admin-command-request.repository.js';
import { recordAudit } from './audit.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { isUuid } from './ids.js';
import { readJson } from './json-body.js';
import { errorBody } from './openapi.js';
import { TemporalDeadlineError, withTemporalDeadline } from './temporal-deadline.js';

const startBody = z.strictObject({
  announceHours: z
    .number()
    .min(0)
    .max(8760)
    .default(0)
    .describe('How long the new CA is announced (trusted, answered by GetNextCACert) before it issues.'),
  batchSize: z.number().int().min(1).max(10_000).default(100).describe('Devices asked to renew per round.'),
  checkIntervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(3600)
    .describe('Time between rounds, while the devices asked renew.'),
  askAgainAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(43_200)
    .default(1440)
    .describe('A device asked and not renewed is asked again after this long.'),
  deadlineDays: z
    .number()
    .min(0)
    .max(3650)
    .default(30)
    .describe('After this many days the old CA is retired even if identities from it remain.'),
  newRoot: z
    .boolean()
    .default(false)
    .describe(
      'Roll the root too: the new issuing CA is under a new root, cross-certified by the current root (whose ' +
        'key Keep must hold), so devices trusting either root chain to new identities.',
    ),
  trustedShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.95)
    .describe(
      'With newRoot: the share of enrolled Apple devices whose ProfileList must show the new root installed ' +
        '(a trust profile Keep sends) before anything is issued under it.',
    ),
  trustDeadlineMinutes: z
    .number()
    .min(0)
    .max(525_600)
    .optional()
    .describe(
      'With newRoot: how long to wait for trustedShare. Past it the rollover pauses itself, its pausedReason ' +
        'naming how many devices lack the new root; resuming goes on without them. Without it, it waits on.',
    ),
});

const progressView = z.object({
  rolloverId: z.uuid(),
  phase: z.enum(['introducing', 'trusting', 'publishing', 'switching', 'renewing', 'retiring', 'completed']),
  paused: z.boolean(),
  pausedReason: z
    .string()
    .optional()
    .describe('Why the rollover paused itself (trustDeadlineMinutes passed); gone once resumed.'),
  newCa: z.string().nullable().describe("The new issuing CA's subject, once introduced."),
  remaining: z.number().int().describe('Device identities from the old CA not renewed yet (last count).'),
  asked: z.number().int(),
  notAtEdge: z.number().int().describe('Devices due whose enrollment no edge holds.'),
  deadlinePassed: z.boolean(),
  rootTrust: z
    .object({
      enrolled: z.number().int(),
      trusted: z.number().int().describe('Devices whose ProfileList shows the new root installed.'),
      asked: z.number().int().describe('Trust profiles queued (asking one again counts again).'),
    })
    .optional()
    .describe('A root rollover: enrolled Apple devices that have the new root.'),
});

/** A root rollover needs the current root's key to cross-sign its successor: refused up front, naming it. */
async function requireRootKey(db: Kysely<CoreDatabase>): Promise<void> {
  const root = await db
    .selectFrom('ca_keys')
    .select('sealed_private_key')
    .where('purpose', '=', 'root')
    .where('active', '=', true)
    .executeTakeFirst();
  if (!root?.sealed_private_key) throw new HTTPException(400, { message: `newRoot: ${ROOT_KEY_NEEDED}` });
}

const notAnswered = (cause: unknown) =>
  new HTTPException(503, { message: 'Temporal did not answer in time; send the same request again', cause });

export function caRolloverRoutes(deps: {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  timeoutMs: number;
}): AdminRoute[] {
  const handleOf = (id: string) => {
    if (!isUuid(id)) throw new HTTPException(404, { message: 'id: no such CA rollover' });
    return deps.temporal.workflow.getHandle(workflowIds.caRollover(id));
  };
  const action = (verb: 'pause' | 'resume') =>
    defineRoute(
      {
        method: 'post',
        path: `/v1/pki/ca-rollovers/{id}/${verb}`,
        summary:
          verb === 'pause'
            ? 'Pause a CA rollover: it goes no further (no new phase, no more devices asked) until resumed.'
            : 'Resume a paused CA rollover.',
        permission: 'ca:rollover',
        params: { id: 'The rollover id.' },
        responses: {
          200: { description: 'The rollover after the change.', schema: progressView },
          404: { description: 'No such rollover.', schema: errorBody },
          409: { description: 'Not possible now (the message says why).', schema: errorBody },
          503: { description: 'Temporal did not answer in time; send it again.', schema: errorBody },
        },
      },
      async (c) => {
        const id = c.req.param('id');
        const handle = handleOf(id);
        const principal = c.get('principal');
        await recordAudit(deps.db, principal, {
          action: `ca-rollover.${verb}`,
          targetKind: 'ca-rollover',
          targetId: id,
          details: {},
        });
        const requestId = randomUUID();
        await recordAdminAction(deps.db, {
          requestId,
          action: `ca-rollover.${verb}`,
          targetKind: 'ca-rollover',
          targetId: id,
          requestedBy: principal.subject,
        });
        try {
          const progress = await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
            handle.executeUpdate(verb === 'pause' ? pauseCaRolloverUpdate : resumeCaRolloverUpdate, {
              args: [{ by: principal.subject, requestId }],
              updateId: requestId,
            }),
          );
          return c.json(progress);
        } catch (error) {
          if (error instanceof WorkflowUpdateFailedError)
            throw new HTTPException(409, { message: error.cause?.message ?? 'refused', cause: error });
          if (error instanceof WorkflowNotFoundError)
            throw new HTTPException(404, { message: 'id: no such CA rollover', cause: error });
          if (
            error instanceof TemporalDeadlineError ||
            error instanceof WorkflowUpdateRPCTimeoutOrCancelledError
          )
            throw notAnswered(error);
          throw error;
        }
      },
    );
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/pki/ca-rollovers',
        summary:
          'Start a CA rollover: a new issuing CA under the root, published to every edge, issuing from then on; ' +
          'devices with identities from the old CA renew onto it in rounds, then the old CA is retired.',
        permission: 'ca:rollover',
        body: startBody,
        responses: {
          202: { description: 'The rollover has started.', schema: progressView },
          400: {
            description:
              'The body names the field that is wrong, or `newRoot` for a CA whose root key Keep does not hold.',
            schema: errorBody,
          },
          503: { description: 'Temporal did not answer in time.', schema: errorBody },
        },
      },
      async (c) => {
        const body = await readJson(c, startBody);
        if (body.newRoot) await requireRootKey(deps.db);
        const rolloverId = randomUUID();
        const input: CaRolloverInput = {
          rolloverId,
          announceSeconds: Math.round(body.announceHours * 3600),
          batchSize: body.batchSize,
          checkIntervalSeconds: body.checkIntervalSeconds,
          askAgainAfterMinutes: body.askAgainAfterMinutes,
          deadline: new Date(Date.now() + body.deadlineDays * 86_400_000).toISOString(),
          ...(body.newRoot ? { newRoot: true, trustedShare: body.trustedShare } : {}),
          ...(body.newRoot && body.trustDeadlineMinutes !== undefined
            ? { trustDeadlineMinutes: body.trustDeadlineMinutes }
            : {}),
        };
        const principal = c.get('principal');
        await recordAudit(deps.db, principal, {
          action: 'ca-rollover.start',
          targetKind: 'ca-rollover',
          targetId: rolloverId,
          details: { ...body },
        });
        const workflowId = workflowIds.caRollover(rolloverId);
        // The proof the workflow checks first: the edge, which cannot write the core schema, cannot mint one.
        await recordAdminStart(deps.db, {
          workflowId,
          workflowType: 'caRolloverWorkflow',
          input,
          requestedBy: principal.subject,
        });
        try {
          await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
            deps.temporal.workflow.start('caRolloverWorkflow', {
              workflowId,
              taskQueue: deps.coreTaskQueue,
              args: [input],
            }),
          );
        } catch (error) {
          if (error instanceof TemporalDeadlineError || error instanceof ServiceError)
            throw notAnswered(error);
          throw error;
        }
        return c.json(
          {
            rolloverId,
            phase: 'introducing',
            paused: false,
            newCa: null,
            remaining: 0,
            asked: 0,
            notAtEdge: 0,
            deadlinePassed: false,
          },
          202,
        );
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/pki/ca-rollovers/{id}',
        summary: "A CA rollover's progress: its phase, the identities from the old CA left, devices asked.",
        permission: 'certificates:read',
        params: { id: 'The rollover id.' },
        responses: {
          200: { description: 'The progress.', schema: progressView },
          404: { description: 'No such rollover.', schema: errorBody },
          503: { description: 'Temporal did not answer in time.', schema: errorBody },
        },
      },
      async (c) => {
        const handle = handleOf(c.req.param('id'));
        try {
          return c.json(
            await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
              handle.query(caRolloverProgressQuery),
            ),
          );
        } catch (error) {
          if (error instanceof WorkflowNotFoundError)
            throw new HTTPException(404, { message: 'id: no such CA rollover', cause: error });
          if (error instanceof TemporalDeadlineError || error instanceof ServiceError)
            throw notAnswered(error);
          throw error;
        }
      },
    ),
    action('pause'),
    action('resume'),
  ];
}
