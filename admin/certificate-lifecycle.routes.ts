// /v1/certificates/expiring and /v1/certificates/renewals: what expires soon, by kind, and what identity renewal
// asked of which device and what came of it. Device identities are team-scoped; the installation's own
// certificates (RA, CA, service, push) are shown to callers who hold the permission globally.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import { scopeOf } from './auth/rbac.js';
import { listExpiringCertificates, listIdentityRenewals } from './certificate-lifecycle.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { readQuery } from './json-body.js';

const DAY_MS = 86_400_000;

const expiringQuery = z.object({
  withinDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(36500)
    .default(30)
    .describe('Certificates expiring within this many days (1 to 36500; default 30): CAs live for years.'),
});

const expiring = z.object({
  kind: z
    .enum(['device-identity', 'scep-ra', 'ca', 'service', 'push'])
    .describe('service: the profile-signing and escrow certificates.'),
  serial: z.string(),
  subject: z.string().describe('For the push certificate: its topic.'),
  notAfter: z.iso.datetime(),
  daysLeft: z.number().int(),
  deviceId: z.uuid().optional(),
  enrollmentId: z.uuid().optional(),
  renewedBy: z
    .string()
    .nullable()
    .optional()
    .describe('Device identities: the SHA-256 of the renewal the core issued, if any.'),
  purpose: z
    .string()
    .optional()
    .describe('CA and service certificates: root, issuing, profile-signing, escrow.'),
});

const renewalsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many, newest first.'),
});

const renewal = z.object({
  fingerprint: z.string().describe('SHA-256 of the identity being replaced.'),
  enrollmentId: z.uuid(),
  deviceId: z.uuid(),
  notAfter: z.iso.datetime(),
  requestedAt: z.iso.datetime().describe('When a run last asked the device (InstallProfile queued).'),
  attempts: z.number().int(),
  runId: z.string().describe('The identity-renewal workflow run that asked last.'),
  commandUuid: z.string(),
  status: z
    .enum(['asked', 'issued', 'completed'])
    .describe(
      'asked: no new identity yet; issued: the device got one; completed: it used it, the old is revoked.',
    ),
  renewedBy: z.string().nullable(),
});

export function certificateLifecycleRoutes(deps: {
  db: Kysely<CoreDatabase>;
  now: () => Date;
}): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/certificates/expiring',
        summary:
          'Certificates in use that expire within `withinDays`, soonest first, by kind: device identities (of the teams in scope), SCEP RA, CA, service and push certificates (global scope only).',
        permission: 'certificates:read',
        scope: 'team',
        query: expiringQuery,
        responses: {
          200: { description: 'The expiring certificates.', schema: z.object({ items: z.array(expiring) }) },
        },
      },
      async (c) => {
        const { withinDays } = readQuery(c, expiringQuery);
        const now = deps.now();
        const rows = await listExpiringCertificates(
          deps.db,
          new Date(now.getTime() + withinDays * DAY_MS),
          scopeOf(c.get('principal'), 'certificates:read'),
        );
        const items = rows.map((row): z.infer<typeof expiring> => ({
          ...row,
          notAfter: row.notAfter.toISOString(),
          daysLeft: Math.floor((row.notAfter.getTime() - now.getTime()) / DAY_MS),
        }));
        return c.json({ items });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/certificates/renewals',
        summary:
          'Device identity renewals the identity-renewal schedule asked for (devices of the teams in scope), newest first, with how far each got.',
        permission: 'certificates:read',
        scope: 'team',
        query: renewalsQuery,
        responses: { 200: { description: 'The renewals.', schema: z.object({ items: z.array(renewal) }) } },
      },
      async (c) => {
        const { limit } = readQuery(c, renewalsQuery);
        const rows = await listIdentityRenewals(deps.db, {
          scope: scopeOf(c.get('principal'), 'certificates:read'),
          limit,
        });
        const items = rows.map(({ predecessorRevoked, ...row }): z.infer<typeof renewal> => ({
          ...row,
          notAfter: row.notAfter.toISOString(),
          requestedAt: row.requestedAt.toISOString(),
          status: predecessorRevoked && row.renewedBy ? 'completed' : row.renewedBy ? 'issued' : 'asked',
        }));
        return c.json({ items });
      },
    ),
  ];
}
