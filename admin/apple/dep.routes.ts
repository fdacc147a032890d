// /v1/apple/dep: Apple Business Manager — a server entry's key pair (its certificate goes to ABM), the server
// token import, a sync on demand, pre-staging a device for its owner, and each zero-touch enrollment's progress.
// The token is decrypted and sealed in the core worker: it never passes through this process in clear.
import { randomUUID } from 'node:crypto';
import { ServiceError, WorkflowFailedError } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { DepServerTable } from '../../core/db/core/dep-server.table.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { depServerCreateWorkflow, depTokenImportWorkflow } from '../../workflows/dep-token.workflow.js';
import type { depSyncWorkflow } from '../../workflows/dep-sync.workflow.js';
import { recordAdminStart } from '../admin-command-request.repository.js';
import { recordAudit } from '../audit.repository.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { applicationFailure } from '../failure-type.js';
import { readJson } from '../json-body.js';
import { errorBody } from '../openapi.js';
import type { AdminPlatformDeps } from '../platform.js';
import { TemporalDeadlineError, withTemporalDeadline } from '../temporal-deadline.js';

/** An ABM token file is a few kilobytes. */
const MAX_TOKEN_BASE64 = 64 * 1024;

const serverView = z.object({
  id: z.uuid(),
  certificatePem: z.string().describe('Upload this to the MDM server entry in Apple Business Manager.'),
  tokenExpiresAt: z.iso.datetime().nullable().describe('Null until a token is imported.'),
  profileUuid: z.string().nullable().describe('The zero-touch profile Keep defined in ABM.'),
  lastSyncAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
});
const tokenBody = z.strictObject({
  p7m: z
    .base64('expected base64')
    .max(MAX_TOKEN_BASE64)
    .describe('The server token file (.p7m) from ABM, base64.'),
});
const ownerBody = z.strictObject({
  owner: z.string().min(1).max(320).nullable().describe('Directory user name or e-mail; null to clear.'),
});
const syncView = z.object({
  servers: z.number(),
  added: z.number(),
  modified: z.number(),
  removed: z.number(),
  assigned: z.number(),
  restarted: z.boolean(),
});
const enrollmentView = z.object({
  enrollmentId: z.uuid(),
  status: z.enum(['waiting-for-device', 'awaiting-configuration', 'configured', 'failed']),
  reason: z.string().nullable(),
  deviceId: z.string().nullable(),
  ownerUserId: z.uuid().nullable(),
  teams: z.array(z.string()),
  updatedAt: z.iso.datetime(),
});

export function depRoutes(deps: AdminPlatformDeps): AdminRoute[] {
  /** Runs a core workflow to its end within the admin's deadline; known failures become 4xx. */
  async function run<T>(call: () => Promise<T>, known: Record<string, number> = {}): Promise<T> {
    try {
      return await withTemporalDeadline(deps.temporal, deps.timeoutMs, call);
    } catch (error) {
      if (error instanceof WorkflowFailedError) {
        const failure = applicationFailure(error);
        const status = known[failure?.type ?? ''];
        // These failures' messages are written for the admin and name a field at most, never a value.
        if (failure && (status === 400 || status === 404))
          throw new HTTPException(status, { message: failure.message, cause: error });
      }
      if (
        error instanceof TemporalDeadlineError ||
        error instanceof ServiceError ||
        error instanceof WorkflowFailedError
      )
        throw new HTTPException(503, { message: 'the core did not finish in time', cause: error });
      throw error;
    }
  }

  async function serverById(id: string): Promise<z.infer<typeof serverView>> {
    const row = z.uuid().safeParse(id).success
      ? await deps.db.selectFrom('dep_servers').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!row) throw new HTTPException(404, { message: 'no such ABM server entry' });
    return viewOf(row);
  }
  function viewOf(row: Selectable<DepServerTable>): z.infer<typeof serverView> {
    return {
      id: row.id,
      certificatePem: row.certificate_pem,
      tokenExpiresAt: row.token_expires_at?.toISOString() ?? null,
      profileUuid: row.profile_uuid,
      lastSyncAt: row.last_sync_at?.toISOString() ?? null,
      lastError: row.last_error,
    };
  }

  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/apple/dep/servers',
        summary:
          'Start an ABM server entry: the core makes a key pair and returns its certificate, which the admin uploads to Apple Business Manager.',
        permission: 'dep:write',
        responses: {
          201: { description: 'The new entry.', schema: serverView },
          503: { description: 'The core did not answer in time.', schema: errorBody },
        },
      },
      async (c) => {
        const id = randomUUID();
        await recordAudit(deps.db, c.get('principal'), {
          action: 'dep.server.create',
          targetKind: 'dep-server',
          targetId: id,
        });
        const workflowId = workflowIds.depToken(id, 'create', id);
        await recordAdminStart(deps.db, {
          workflowId,
          workflowType: 'depServerCreateWorkflow',
          input: { id },
          requestedBy: c.get('principal').subject,
        });
        await run(() =>
          deps.temporal.workflow.execute<typeof depServerCreateWorkflow>('depServerCreateWorkflow', {
            workflowId,
            taskQueue: deps.coreTaskQueue,
            args: [{ id }],
          }),
        );
        return c.json(await serverById(id), 201);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/apple/dep/servers',
        summary: 'Every ABM server entry: certificate, token expiry and last sync — never the token.',
        permission: 'dep:read',
        responses: { 200: { description: 'The entries.', schema: z.object({ items: z.array(serverView) }) } },
      },
      async (c) => {
        const rows = await deps.db.selectFrom('dep_servers').selectAll().orderBy('id').execute();
        return c.json({ items: rows.map(viewOf) });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/apple/dep/servers/{id}',
        summary: 'An ABM server entry: its certificate, token expiry and last sync — never the token.',
        permission: 'dep:read',
        responses: {
          200: { description: 'The entry.', schema: serverView },
          404: { description: 'No such entry.', schema: errorBody },
        },
      },
      async (c) => c.json(await serverById(c.req.param('id'))),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/v1/apple/dep/servers/{id}/token',
        summary:
          'Import the server token (.p7m) downloaded from ABM; the core decrypts it with the entry key and stores it sealed.',
        permission: 'dep:write',
        body: tokenBody,
        responses: {
          200: { description: 'Imported.', schema: serverView },
          400: { description: 'Not a token made for this entry; the message says why.', schema: errorBody },
          404: { description: 'No such entry.', schema: errorBody },
          503: { description: 'The core did not answer in time.', schema: errorBody },
        },
      },
      async (c) => {
        const body = await readJson(c, tokenBody);
        const { id } = await serverById(c.req.param('id'));
        await recordAudit(deps.db, c.get('principal'), {
          action: 'dep.token.import',
          targetKind: 'dep-server',
          targetId: id,
        });
        // The proof the workflow checks first: the edge cannot import an ABM token of its own through Temporal.
        const workflowId = workflowIds.depToken(id, 'import', randomUUID());
        const input = { serverId: id, p7mBase64: body.p7m };
        await recordAdminStart(deps.db, {
          workflowId,
          workflowType: 'depTokenImportWorkflow',
          input,
          requestedBy: c.get('principal').subject,
        });
        await run(
          () =>
            deps.temporal.workflow.execute<typeof depTokenImportWorkflow>('depTokenImportWorkflow', {
              workflowId,
              taskQueue: deps.coreTaskQueue,
              args: [input],
            }),
          { DepTokenRejected: 400, UnknownDepServer: 404 },
        );
        return c.json(await serverById(id));
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/apple/dep/sync',
        summary:
          'Sync the devices ABM assigns to Keep now, as the dep-sync schedule does, and assign the zero-touch profile to new ones.',
        permission: 'dep:write',
        responses: {
          200: { description: 'What the run found.', schema: syncView },
          503: {
            description: 'The core or Apple did not answer in time; the reason is on the server entry.',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        await recordAudit(deps.db, c.get('principal'), { action: 'dep.sync', targetKind: 'dep-server' });
        const summary = await run(() =>
          deps.temporal.workflow.execute<typeof depSyncWorkflow>('depSyncWorkflow', {
            // The schedule's runs get a time suffix; this one shares a run already going instead of starting a second.
            workflowId: workflowIds.depSync(deps.coreTaskQueue),
            taskQueue: deps.coreTaskQueue,
            args: [],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        );
        return c.json(summary);
      },
    ),
    defineRoute(
      {
        method: 'put',
        path: '/v1/apple/dep/devices/{serial}/owner',
        summary:
          'Pre-stage an ABM device for its owner: at zero-touch enrollment the owner is looked up in the directory and the device joins the teams their groups map to (dep.teamRules).',
        permission: 'dep:write',
        body: ownerBody,
        responses: {
          204: { description: 'Saved.' },
          404: { description: 'ABM does not assign this serial to Keep (sync first).', schema: errorBody },
        },
      },
      async (c) => {
        const { owner } = await readJson(c, ownerBody);
        const serial = c.req.param('serial');
        const updated = await deps.db
          .updateTable('dep_devices')
          .set({ owner })
          .where('serial_number', '=', serial)
          .where('removed_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (!updated) throw new HTTPException(404, { message: 'ABM does not assign this serial to Keep' });
        await recordAudit(deps.db, c.get('principal'), {
          action: 'dep.device.owner',
          targetKind: 'dep-device',
          targetId: updated.id,
        });
        return c.body(null, 204);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/apple/zero-touch/{enrollmentId}',
        summary:
          'A zero-touch enrollment: waiting for device, awaiting configuration, configured or failed (with why).',
        permission: 'dep:read',
        responses: {
          200: { description: 'Its progress.', schema: enrollmentView },
          404: { description: 'No such enrollment.', schema: errorBody },
        },
      },
      async (c) => {
        const id = z.uuid().catch('').parse(c.req.param('enrollmentId'));
        const row = id
          ? await deps.db
              .selectFrom('zero_touch_enrollments')
              .selectAll()
              .where('enrollment_id', '=', id)
              .executeTakeFirst()
          : undefined;
        if (!row) throw new HTTPException(404, { message: 'no such zero-touch enrollment' });
        const view: z.infer<typeof enrollmentView> = {
          enrollmentId: row.enrollment_id,
          status: row.status,
          reason: row.reason,
          deviceId: row.device_id,
          ownerUserId: row.owner_user_id,
          teams: row.teams,
          updatedAt: row.updated_at.toISOString(),
        };
        return c.json(view);
      },
    ),
  ];
}
