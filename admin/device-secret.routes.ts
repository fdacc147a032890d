// What the vault holds for a device, never the secret: which kinds it has escrowed (version, when, whether the
// integrity check could still open it), and the audit trail of one secret (escrow, refusals, reveal steps).
import { HTTPException } from 'hono/http-exception';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import { VAULT_SECRET_KINDS, type VaultSecretKind } from '../core/vault/vault-envelope.js';
import { auditEntry, entry } from './audit.routes.js';
import { scopeOf } from './auth/rbac.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { deviceOr404 } from './device.routes.js';
import { errorBody } from './openapi.js';

/**
 * The audit actions of each kind besides the reveal and rotation steps (`secret.*`, which name the kind in their
 * details).
 */
const KIND_ACTIONS: Record<VaultSecretKind, readonly string[]> = {
  'bootstrap-token': ['bootstrap-token.read'],
  'filevault-prk': ['filevault-key.escrowed', 'filevault-key.refused'],
  // Set and rotated by Keep: its trail is the `secret.*` rotation and reveal steps.
  'recovery-lock': [],
  // Imported from Active Directory by the bitlocker-recovery-import schedule.
  'bitlocker-recovery': ['bitlocker-key.escrowed'],
  'local-admin': [],
};

const secretView = z.object({
  kind: z.string(),
  version: z.number().int(),
  escrowedAt: z.iso.datetime(),
  checkedAt: z.iso.datetime().nullable().describe('When the integrity check last opened it.'),
  valid: z.boolean().describe('False when the integrity check could not open it (see checkError).'),
  checkError: z.string().nullable(),
  rotationFailedAt: z.iso
    .datetime()
    .nullable()
    .describe(
      'When the device last refused a rotation: this version is still the valid one, and Keep retries.',
    ),
  rotationError: z.string().nullable().describe("The device's error for that refusal."),
});

export function deviceSecretRoutes(deps: { db: Kysely<CoreDatabase> }): AdminRoute[] {
  const { db } = deps;
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/devices/{id}/secrets',
        summary: "The device's escrowed secrets, one per kind (never the secret itself).",
        permission: 'devices:read',
        scope: 'team',
        params: { id: "The device's Keep id." },
        responses: {
          200: {
            description: 'The current version of each kind.',
            schema: z.object({ items: z.array(secretView) }),
          },
          404: { description: 'No such device.', schema: errorBody },
        },
      },
      async (c) => {
        const device = await deviceOr404(db, c.req.param('id'), scopeOf(c.get('principal'), 'devices:read'));
        const rows = await db
          .selectFrom('vault_secrets')
          .select([
            'kind',
            'version',
            'created_at',
            'checked_at',
            'check_error',
            'rotation_failed_at',
            'rotation_error',
          ])
          .where('device_id', '=', device.id)
          .where('state', '=', 'current')
          .orderBy('kind')
          .execute();
        return c.json({
          items: rows.map((r) => ({
            kind: r.kind,
            version: r.version,
            escrowedAt: r.created_at.toISOString(),
            checkedAt: r.checked_at?.toISOString() ?? null,
            valid: r.check_error === null,
            checkError: r.check_error,
            rotationFailedAt: r.rotation_failed_at?.toISOString() ?? null,
            rotationError: r.rotation_error,
          })),
        });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/devices/{id}/secrets/{kind}/audit',
        summary: "The audit trail of one of the device's secrets: escrow, refusals and every reveal step.",
        permission: 'audit:read',
        params: {
          id: "The device's Keep id.",
          kind: 'filevault-prk, recovery-lock, bootstrap-token or bitlocker-recovery.',
        },
        responses: {
          200: { description: 'Newest first.', schema: z.object({ items: z.array(auditEntry) }) },
          400: { description: 'Unknown kind.', schema: errorBody },
          404: { description: 'No such device.', schema: errorBody },
        },
      },
      async (c) => {
        const device = await deviceOr404(db, c.req.param('id'), 'all');
        const kind = c.req.param('kind') as VaultSecretKind;
        if (!VAULT_SECRET_KINDS.includes(kind))
          throw new HTTPException(400, { message: `kind: one of ${VAULT_SECRET_KINDS.join(', ')}` });
        const rows = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('target_id', '=', device.id)
          .where((eb) =>
            eb.or([
              // `in ()` is not SQL: a kind with no actions of its own has only its `secret.*` steps.
              ...(KIND_ACTIONS[kind].length ? [eb('action', 'in', KIND_ACTIONS[kind])] : []),
              eb.and([eb('action', 'like', 'secret.%'), eb(sql`details->>'kind'`, '=', kind)]),
            ]),
          )
          .orderBy('id', 'desc')
          .limit(500)
          .execute();
        return c.json({ items: rows.map(entry) });
      },
    ),
  ];
}
