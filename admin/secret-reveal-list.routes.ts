// The reveal requests an admin can act on: those awaiting another admin's approval, and one's own approved ones
// to see. Never a secret: who asked, for which device and kind, why, and where the request stands.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { SecretRevealRequest, SecretRevealStatus } from '../core/db/core/secret-reveal-request.table.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { readQuery } from './json-body.js';
import { requestView, view } from './secret-reveal.routes.js';

const STATUSES = ['awaiting-approval', 'approved', 'revealed', 'expired'] as const;

const listQuery = z.object({
  status: z.enum(STATUSES).optional().describe('Only requests that stand here now (expiry counted).'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many, newest first.'),
});

const listedView = requestView.extend({
  reason: z.string(),
  createdAt: z.iso.datetime(),
  revealedAt: z.iso.datetime().nullable(),
});

/** The stored status says what the last step did; a window that ran out is expired even before the workflow says. */
function standing(row: SecretRevealRequest, now: Date): SecretRevealStatus {
  if (row.revealed_at) return 'revealed';
  if (row.status !== 'revealed' && row.expires_at <= now) return 'expired';
  return row.status;
}

export function secretRevealListRoutes(deps: { db: Kysely<CoreDatabase>; now: () => Date }): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/secret-reveal-requests',
        summary:
          'Reveal requests, newest first: who asked for which device and kind, why, and where each stands (never the secret).',
        permission: 'secrets:reveal',
        query: listQuery,
        responses: {
          200: { description: 'The requests.', schema: z.object({ items: z.array(listedView) }) },
        },
      },
      async (c) => {
        const { status, limit } = readQuery(c, listQuery);
        const now = deps.now();
        let query = deps.db.selectFrom('secret_reveal_requests').selectAll();
        if (status === 'revealed') query = query.where('revealed_at', 'is not', null);
        else if (status === 'expired')
          query = query.where('revealed_at', 'is', null).where('expires_at', '<=', now);
        else if (status)
          query = query
            .where('revealed_at', 'is', null)
            .where('expires_at', '>', now)
            .where('status', '=', status);
        const rows = await query.orderBy('created_at', 'desc').limit(limit).execute();
        const items = rows.map((row) => ({
          ...view(row),
          status: standing(row, now),
          reason: row.reason,
          createdAt: row.created_at.toISOString(),
          revealedAt: row.revealed_at?.toISOString() ?? null,
        }));
        return c.json({ items });
      },
    ),
  ];
}
