// Revealing an escrowed device secret: request (with a reason), approve (another admin, when required), reveal
// (once, within the window). Every step is audited before it happens; the secret crosses Temporal sealed to a key
// that lives only in the revealing request. A caller without `secrets:reveal` is refused, and the refusal audited.
import { randomUUID } from 'node:crypto';
import { ServiceError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { SecretRevealRequest } from '../core/db/core/secret-reveal-request.table.js';
import { generateBoxKeyPair, openSealed } from '../core/crypto/sealed-box.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import { secretRevealContext } from '../core/vault/secret-reveal.js';
import { isRotatableSecretKind } from '../core/vault/secret-rotation.js';
import { VAULT_SECRET_KINDS } from '../core/vault/vault-envelope.js';
import type { secretRevealWorkflow } from '../workflows/secret-reveal.workflow.js';
import { revealSecretUpdate, secretRevealApprovedSignal } from '../workflows/secret-reveal.messages.js';
import { recordAudit } from './audit.repository.js';
import type { AdminEnv } from './auth/principal.js';
import { forbidden, scopeOf } from './auth/rbac.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { deviceOr404 } from './device.routes.js';
import { readJson } from './json-body.js';
import { teamRequiresRevealApproval } from './team.repository.js';
import { errorBody } from './openapi.js';
import { withTemporalDeadline } from './temporal-deadline.js';

export interface SecretRevealSettings {
  /** A second admin must approve each reveal (a team may require it of its devices alone). */
  approvalRequired: boolean;
  /** How long approval, then the reveal, may take. */
  minutes: number;
}

export interface SecretRevealRoutesDeps {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  /** The edge that relays the rotation after a FileVault key or Recovery Lock password is revealed. */
  edgeTaskQueue: string;
  timeoutMs: number;
  settings: SecretRevealSettings;
  now: () => Date;
}

const PERMISSION = 'secrets:reveal';
const kindParam = z.enum(VAULT_SECRET_KINDS as [string, ...string[]]);
const requestBody = z.strictObject({
  reason: z.string().trim().min(1).max(1000).describe('Why the secret is needed (audited).'),
});
export const requestView = z.object({
  id: z.uuid(),
  deviceId: z.uuid(),
  kind: z.string(),
  status: z.enum(['awaiting-approval', 'approved', 'revealed', 'expired']),
  requestedBy: z.string(),
  approvedBy: z.string().nullable(),
  expiresAt: z.iso.datetime(),
});

export const view = (row: SecretRevealRequest): z.infer<typeof requestView> => ({
  id: row.id,
  deviceId: row.device_id,
  kind: row.kind,
  status: row.status,
  requestedBy: row.requested_by,
  approvedBy: row.approved_by,
  expiresAt: row.expires_at.toISOString(),
});

async function requestOr404(db: Kysely<CoreDatabase>, id: string): Promise<SecretRevealRequest> {
  const row = z.uuid().safeParse(id).success
    ? await db.selectFrom('secret_reveal_requests').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new HTTPException(404, { message: 'id: no such reveal request' });
  return row;
}

async function inCore<T>(deps: SecretRevealRoutesDeps, call: () => Promise<T>): Promise<T> {
  try {
    return await withTemporalDeadline(deps.temporal, deps.timeoutMs, call);
  } catch (error) {
    if (error instanceof ServiceError)
      throw new HTTPException(503, { message: 'the core did not answer in time', cause: error });
    throw error;
  }
}

export function secretRevealRoutes(deps: SecretRevealRoutesDeps): AdminRoute[] {
  const { db } = deps;
  const windowMs = deps.settings.minutes * 60_000;

  /** The refusal is audited too: who tried to see which device's secret. */
  async function refuseWithoutPermission(c: Context<AdminEnv>, deviceId: string, kind: string) {
    const principal = c.get('principal');
    if (scopeOf(principal, PERMISSION) === 'all') return undefined;
    await recordAudit(db, principal, {
      action: 'secret.reveal-denied',
      targetKind: 'device',
      targetId: deviceId,
      details: { kind },
    });
    return forbidden(principal, PERMISSION);
  }

  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/devices/{id}/secrets/{kind}/reveal-requests',
        summary:
          "Ask to see a device's escrowed secret, with a reason: audited first; then approved by another admin (when `secretRevealApproval` is on, or a team of the device requires it) and shown once within `secretRevealMinutes`.",
        permission: 'devices:read',
        scope: 'team',
        params: {
          id: "The device's Keep id.",
          kind: 'filevault-prk, recovery-lock, local-admin, bootstrap-token or bitlocker-recovery.',
        },
        body: requestBody,
        responses: {
          201: { description: 'The request, and the workflow carrying it out.', schema: requestView },
          400: { description: 'The body or kind names what is wrong.', schema: errorBody },
          403: { description: 'No secrets:reveal permission (the refusal is audited).', schema: errorBody },
          404: { description: 'No such device, or no escrowed secret of that kind.', schema: errorBody },
        },
      },
      async (c) => {
        const device = await deviceOr404(db, c.req.param('id'), scopeOf(c.get('principal'), 'devices:read'));
        const kind = kindParam.safeParse(c.req.param('kind'));
        if (!kind.success)
          throw new HTTPException(400, { message: `kind: one of ${VAULT_SECRET_KINDS.join(', ')}` });
        const refused = await refuseWithoutPermission(c, device.id, kind.data);
        if (refused) return refused;
        const { reason } = await readJson(c, requestBody);
        const stored = await db
          .selectFrom('vault_secrets')
          .select('version')
          .where('device_id', '=', device.id)
          .where('kind', '=', kind.data)
          .where('state', '=', 'current')
          .executeTakeFirst();
        if (!stored)
          throw new HTTPException(404, { message: `kind: the device has no escrowed ${kind.data}` });
        const principal = c.get('principal');
        const id = randomUUID();
        // A team of the device may want a second approver though the global setting does not.
        const approvalRequired =
          deps.settings.approvalRequired || (await teamRequiresRevealApproval(db, device.id));
        await recordAudit(db, principal, {
          action: 'secret.reveal-requested',
          targetKind: 'device',
          targetId: device.id,
          details: { requestId: id, kind: kind.data, version: stored.version, reason, approvalRequired },
        });
        const row = await db
          .insertInto('secret_reveal_requests')
          .values({
            id,
            device_id: device.id,
            kind: kind.data,
            reason,
            requested_by: principal.subject,
            status: approvalRequired ? 'awaiting-approval' : 'approved',
            expires_at: new Date(deps.now().getTime() + windowMs),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await inCore(deps, () =>
          deps.temporal.workflow.start<typeof secretRevealWorkflow>('secretRevealWorkflow', {
            workflowId: workflowIds.secretReveal(id),
            taskQueue: deps.coreTaskQueue,
            args: [
              {
                requestId: id,
                approvalRequired,
                windowMs,
                ...(isRotatableSecretKind(kind.data) ? { rotateThroughEdge: deps.edgeTaskQueue } : {}),
              },
            ],
          }),
        );
        return c.json(view(row), 201);
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/secret-reveal-requests/{id}/approve',
        summary: "Approve another admin's request to reveal a secret (never one's own); the window restarts.",
        permission: PERMISSION,
        params: { id: 'The reveal request id.' },
        responses: {
          200: { description: 'Approved.', schema: requestView },
          404: { description: 'No such request.', schema: errorBody },
          409: {
            description: 'Self-approval, not awaiting approval, or expired (audited).',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        const principal = c.get('principal');
        const row = await requestOr404(db, c.req.param('id'));
        const refuse = async (message: string) => {
          await recordAudit(db, principal, {
            action: 'secret.reveal-approval-refused',
            targetKind: 'device',
            targetId: row.device_id,
            details: { requestId: row.id, kind: row.kind, reason: message },
          });
          throw new HTTPException(409, { message });
        };
        if (row.requested_by === principal.subject)
          await refuse('id: an admin cannot approve their own reveal request');
        if (row.status !== 'awaiting-approval' || row.expires_at <= deps.now())
          await refuse(`id: the request is ${row.expires_at <= deps.now() ? 'expired' : row.status}`);
        await recordAudit(db, principal, {
          action: 'secret.reveal-approved',
          targetKind: 'device',
          targetId: row.device_id,
          details: { requestId: row.id, kind: row.kind },
        });
        const approved = await db
          .updateTable('secret_reveal_requests')
          .set({
            status: 'approved',
            approved_by: principal.subject,
            approved_at: deps.now(),
            expires_at: new Date(deps.now().getTime() + windowMs),
          })
          .where('id', '=', row.id)
          .where('status', '=', 'awaiting-approval')
          .returningAll()
          .executeTakeFirst();
        if (!approved) throw new HTTPException(409, { message: 'id: the request was approved already' });
        await inCore(deps, () =>
          deps.temporal.workflow
            .getHandle(workflowIds.secretReveal(row.id))
            .signal(secretRevealApprovedSignal),
        );
        return c.json(view(approved));
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/secret-reveal-requests/{id}/reveal',
        summary: 'Show the secret of an approved request, once, to the admin who asked, within the window.',
        permission: PERMISSION,
        params: { id: 'The reveal request id.' },
        responses: {
          200: {
            description: 'The secret (shown once; not stored anywhere readable).',
            schema: z.object({ kind: z.string(), secret: z.string() }),
          },
          403: { description: 'Only the admin who asked may see it.', schema: errorBody },
          404: { description: 'No such request.', schema: errorBody },
          409: { description: 'Not approved, shown already, or expired.', schema: errorBody },
        },
      },
      async (c) => {
        const principal = c.get('principal');
        const row = await requestOr404(db, c.req.param('id'));
        if (row.requested_by !== principal.subject)
          throw new HTTPException(403, { message: 'id: only the admin who asked may see the secret' });
        if (row.revealed_at) throw new HTTPException(409, { message: 'id: the secret was shown already' });
        if (row.status !== 'approved' || row.expires_at <= deps.now())
          throw new HTTPException(409, {
            message: `id: the request is ${row.expires_at <= deps.now() && row.status !== 'revealed' ? 'expired' : row.status}`,
          });
        await recordAudit(db, principal, {
          action: 'secret.revealed',
          targetKind: 'device',
          targetId: row.device_id,
          details: { requestId: row.id, kind: row.kind },
        });
        // The one-request key is recorded once: the core seals only to it, so no other caller can see the secret.
        const reply = generateBoxKeyPair();
        const claimed = await db
          .updateTable('secret_reveal_requests')
          .set({ reply_key: JSON.stringify(reply.recipient), revealed_at: deps.now() })
          .where('id', '=', row.id)
          .where('revealed_at', 'is', null)
          .executeTakeFirst();
        if (claimed.numUpdatedRows === 0n)
          throw new HTTPException(409, { message: 'id: the secret was shown already' });
        const { sealedSecret } = await inCore(deps, () =>
          deps.temporal.workflow
            .getHandle(workflowIds.secretReveal(row.id))
            .executeUpdate(revealSecretUpdate, { args: [] }),
        ).catch((error: unknown) => {
          if (error instanceof WorkflowUpdateFailedError)
            throw new HTTPException(409, {
              message: `id: ${error.cause?.message ?? 'refused'}`,
              cause: error,
            });
          throw error;
        });
        c.header('Cache-Control', 'no-store');
        return c.json({
          kind: row.kind,
          secret: openSealed(reply, sealedSecret, secretRevealContext(row.id)).toString('utf8'),
        });
      },
    ),
  ];
}
