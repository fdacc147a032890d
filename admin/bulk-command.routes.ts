// One command to many devices with one call: validated, permitted and audited as a single device's command, then
// fanned out by a durable workflow (workflows/bulk-command.workflow.ts); progress is read from the core DB.
import { IDEMPOTENCY_KEY_HEADER, readIdempotencyKey } from './idempotency-key.js';
import { recordAdminStart } from './admin-command-request.repository.js';
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { BulkCommand } from '../core/db/core/bulk-command.table.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import type { BulkCommandInput, bulkCommandWorkflow } from '../workflows/bulk-command.workflow.js';
import { recordAudit } from './audit.repository.js';
import { forbidden, scopeOf } from './auth/rbac.js';
import {
  bulkProgress,
  findBulkCommand,
  insertBulkCommand,
  resolveBulkTargets,
  type Refusal,
} from './bulk-command.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { payloadForEdge } from './edge-sealing-key.js';
import { readJson } from './json-body.js';
import { errorBody } from './openapi.js';
import type { AdminPlatform } from './platform.js';
import { adminPlatform } from './platforms.js';
import { withTemporalDeadline } from './temporal-deadline.js';

export interface BulkCommandDeps {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  /** Where a command that may carry a secret is sealed to (admin/edge-sealing-key.ts). */
  edgeTaskQueue: string;
  /** How long to wait for Temporal to start the fan-out before answering 503. */
  timeoutMs: number;
  platforms: readonly AdminPlatform[];
}

/** One call's bound: the targets fit one request body and one transaction. */
const MAX_TARGETS = 10_000;

const bulkRequest = z
  .strictObject({
    idempotencyKey: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Yours: the same key again (from the same caller) answers the same bulk command, sent once. Required, here or as the Idempotency-Key header.',
      ),
    platform: z
      .string()
      .min(1)
      .describe('The platform of the targets (`apple`); devices of another are refused.'),
    devices: z.array(z.string().max(100)).min(1).max(MAX_TARGETS).optional().describe("Keep's device ids."),
    teamId: z.guid().optional().describe('Every device of this team, instead of `devices`.'),
    command: z
      .unknown()
      .describe('The command, as the body of POST /v1/devices/{id}/commands for that platform.'),
  })
  .refine((body) => (body.devices === undefined) !== (body.teamId === undefined), {
    message: 'exactly one of devices and teamId',
    path: ['devices'],
  });

const refusal = z.object({
  deviceId: z.string(),
  reason: z
    .enum(['unknown', 'out-of-scope', 'not-enrolled', 'other-platform', 'not-at-edge', 'not-for-device'])
    .describe(
      'unknown: no such device; out-of-scope: not yours to command; not-enrolled; other-platform; not-at-edge: no edge holds its enrollment; not-for-device: the device cannot take this command (Apple: a device-wide command to a User Enrollment), `detail` says why.',
    ),
  detail: z.string().optional().describe('Why, in words, for not-for-device.'),
});

const accepted = z.object({
  id: z.string().describe('The bulk command: GET /v1/commands/{id} for its progress.'),
  requestType: z.string(),
  accepted: z.number().describe('Devices that get the command.'),
  refused: z.array(refusal),
});

const progress = z.object({
  id: z.string(),
  platform: z.string(),
  requestType: z.string(),
  requestedBy: z.string(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso
    .datetime()
    .nullable()
    .describe('When every target was queued at its edge or refused; null while the fan-out runs.'),
  targets: z.object({ pending: z.number(), queued: z.number(), refused: z.number() }),
  results: z
    .record(z.string(), z.number())
    .describe(
      "The commands by the device's answer: queued (none yet), acknowledged, error, format-error, not-now.",
    ),
  refused: z.array(refusal),
});

/** The digest that tells a retry (same request) from a reused key (another request). */
function digestOf(body: z.infer<typeof bulkRequest>): string {
  const { idempotencyKey: _, ...request } = body;
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

function acceptedBody(
  bulk: BulkCommand,
  acceptedCount: number,
  refused: Refusal[],
): z.infer<typeof accepted> {
  return { id: bulk.id, requestType: bulk.request_type, accepted: acceptedCount, refused };
}

export function bulkCommandRoutes(deps: BulkCommandDeps): AdminRoute[] {
  /** Started once per bulk command; a retry of the call finds it running (or done) and starts nothing. */
  async function startFanOut(input: BulkCommandInput, requestedBy: string): Promise<void> {
    const workflowId = workflowIds.bulkCommand(input.bulkId);
    // The proof the first run uses up: a start the admin API did not record, or a second one, is refused.
    await recordAdminStart(deps.db, { workflowId, workflowType: 'bulkCommandWorkflow', input, requestedBy });
    try {
      await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
        deps.temporal.workflow.start<typeof bulkCommandWorkflow>('bulkCommandWorkflow', {
          workflowId,
          taskQueue: deps.coreTaskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      );
    } catch (error) {
      throw new HTTPException(503, {
        message: `Temporal did not start bulk command ${input.bulkId} in time; send the same request (same idempotencyKey) again`,
        cause: error,
      });
    }
  }

  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/commands',
        summary:
          'Send one command to many devices (a list, or a team), with the permission and audit of a single device’s command. Answers at once with the devices refused and why; a durable fan-out queues the rest, a page at a time.',
        permission: 'commands:send',
        scope: 'team',
        headers: {
          [IDEMPOTENCY_KEY_HEADER]: 'The idempotency key, when the body has no `idempotencyKey`.',
        },
        body: bulkRequest,
        responses: {
          202: { description: 'Accepted: the fan-out runs.', schema: accepted },
          400: { description: 'A bad field, named.', schema: errorBody },
          409: { description: 'The idempotency key was used for another request.', schema: errorBody },
          503: {
            description: 'Temporal did not start the fan-out in time; send it again.',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        const principal = c.get('principal');
        const headerKey = readIdempotencyKey(c);
        const body = await readJson(c, bulkRequest);
        const idempotencyKey = body.idempotencyKey ?? headerKey;
        if (idempotencyKey === undefined)
          throw new HTTPException(400, {
            message: `idempotencyKey: required, in the body or as the ${IDEMPOTENCY_KEY_HEADER} header`,
          });
        if (headerKey !== undefined && headerKey !== idempotencyKey)
          throw new HTTPException(400, {
            message: `idempotencyKey: differs from the ${IDEMPOTENCY_KEY_HEADER} header`,
          });
        const { commands } = adminPlatform(deps.platforms, body.platform);
        // Built once around a placeholder UUID; each device's copy carries its own (core/device/command-template.ts).
        const placeholderUuid = randomUUID();
        const built = (() => {
          try {
            return commands.build(body.command, placeholderUuid);
          } catch (error) {
            if (error instanceof HTTPException && error.status === 400)
              throw new HTTPException(400, { message: `command.${error.message}`, cause: error });
            throw error;
          }
        })();
        const permission = commands.permission(built.requestType, built.raw);
        const scope = scopeOf(principal, permission);
        if (scope !== 'all' && scope.length === 0) return forbidden(principal, permission);
        const requestDigest = digestOf(body);
        const payload = await payloadForEdge(deps, commands, built, placeholderUuid);
        const template = { requestType: built.requestType, payload, placeholderUuid };
        const key = { requestedBy: principal.subject, idempotencyKey };

        const earlier = await findBulkCommand(deps.db, key);
        if (earlier) {
          if (earlier.request_digest !== requestDigest)
            throw new HTTPException(409, { message: 'idempotencyKey: already used for another request' });
          const seen = await bulkProgress(deps.db, earlier.id);
          if (!earlier.finished_at) await startFanOut({ bulkId: earlier.id }, principal.subject);
          const total = seen.targets.pending + seen.targets.queued + seen.targets.refused;
          return c.json(acceptedBody(earlier, total - seen.refused.length, seen.refused), 202);
        }

        const targets = await resolveBulkTargets(
          deps.db,
          body.teamId === undefined ? { deviceIds: body.devices ?? [] } : { teamId: body.teamId },
          scope,
          {
            platform: body.platform,
            requestType: built.requestType,
            refusal: (requestType, device) => commands.refusal?.(requestType, device),
          },
        );
        const bulkId = randomUUID();
        // Written first: if the audit row cannot be written, nothing is recorded or sent.
        await recordAudit(deps.db, principal, {
          action: 'device.command.send-bulk',
          targetKind: 'bulk-command',
          targetId: bulkId,
          details: {
            requestType: built.requestType,
            raw: built.raw,
            platform: body.platform,
            accepted: targets.accepted.length,
            refused: targets.refused.length,
            ...(body.teamId === undefined ? {} : { teamId: body.teamId }),
          },
        });
        await insertBulkCommand(
          deps.db,
          bulkId,
          { ...key, requestDigest, platform: body.platform, template },
          targets,
        ).catch(async (error: unknown) => {
          // The same key at the same moment: the other call wrote it first.
          if (await findBulkCommand(deps.db, key))
            throw new HTTPException(409, {
              message: 'idempotencyKey: a request with this key was accepted meanwhile; send it again',
              cause: error,
            });
          throw error;
        });
        await startFanOut({ bulkId }, principal.subject);
        const bulk = (await findBulkCommand(deps.db, { id: bulkId }))!;
        return c.json(acceptedBody(bulk, targets.accepted.length, targets.refused), 202);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/commands/{id}',
        summary:
          'A bulk command’s progress: targets pending, queued at their edge or refused (with why), and the devices’ answers so far. Its sender, or a role over every device, may read it.',
        permission: 'commands:read',
        scope: 'team',
        params: { id: 'The bulk command id.' },
        responses: {
          200: { description: 'Its progress.', schema: progress },
          404: { description: 'No such bulk command (or not yours to read).', schema: errorBody },
        },
      },
      async (c) => {
        const principal = c.get('principal');
        const bulk = await findBulkCommand(deps.db, { id: c.req.param('id') });
        const readable =
          bulk && (bulk.requested_by === principal.subject || scopeOf(principal, 'commands:read') === 'all');
        if (!readable) throw new HTTPException(404, { message: 'id: no such bulk command' });
        const body: z.infer<typeof progress> = {
          id: bulk.id,
          platform: bulk.platform,
          requestType: bulk.request_type,
          requestedBy: bulk.requested_by,
          createdAt: bulk.created_at.toISOString(),
          finishedAt: bulk.finished_at?.toISOString() ?? null,
          ...(await bulkProgress(deps.db, bulk.id)),
        };
        return c.json(body);
      },
    ),
  ];
}
