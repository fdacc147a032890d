// What the last BitLocker recovery-password import could not escrow: computer objects in AD that hold recovery
// information but match no Windows device (or several, or cannot be read). Never a password: only where it is.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import { defineRoute, type AdminRoute } from './define-route.js';

const unmatchedView = z.object({
  computerDn: z.string(),
  computerName: z
    .string()
    .nullable()
    .describe('The value of directory.bitlockerMatch on the computer object (null if it has none).'),
  reason: z
    .string()
    .describe(
      'no-device (no Windows device reports that name), ambiguous (several do), no-computer (the parent cannot be read) or unreadable: <what>.',
    ),
  passwords: z.number().int().describe('Readable recovery information objects under the computer.'),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});

export function bitLockerUnmatchedRoutes(deps: { db: Kysely<CoreDatabase> }): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/bitlocker/unmatched',
        summary: 'Computers whose BitLocker recovery passwords the last AD import could not escrow, and why.',
        permission: 'audit:read',
        responses: {
          200: {
            description: 'As of the last import; each run replaces the list.',
            schema: z.object({ items: z.array(unmatchedView) }),
          },
        },
      },
      async (c) => {
        const rows = await deps.db
          .selectFrom('bitlocker_unmatched')
          .selectAll()
          .orderBy('computer_dn')
          .limit(1000)
          .execute();
        return c.json({
          items: rows.map((r) => ({
            computerDn: r.computer_dn,
            computerName: r.computer_name,
            reason: r.reason,
            passwords: r.passwords,
            firstSeenAt: r.first_seen_at.toISOString(),
            lastSeenAt: r.last_seen_at.toISOString(),
          })),
        });
      },
    ),
  ];
}
