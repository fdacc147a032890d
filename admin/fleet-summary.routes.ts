// GET /v1/fleet/summary: the console's overview — devices by platform and enrollment state, and those gone quiet.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import { scopeOf } from './auth/rbac.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { inScope } from './device.repository.js';
import { readQuery } from './json-body.js';

const query = z.object({
  quietDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(7)
    .describe('A device not seen for this many days counts as quiet.'),
});

const count = z.number().int();
const summary = z.object({
  total: count,
  byPlatform: z.array(z.object({ platform: z.string(), count })),
  byStatus: z.array(z.object({ status: z.string(), count })),
  quiet: count.describe('Enrolled devices not seen for `quietDays` days (or never).'),
});

export function fleetSummaryRoutes(deps: { db: Kysely<CoreDatabase>; now: () => Date }): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/fleet/summary',
        summary:
          'Counts of the devices the caller may see: by platform, by enrollment state, and gone quiet.',
        permission: 'devices:read',
        scope: 'team',
        query,
        responses: { 200: { description: 'The counts.', schema: summary } },
      },
      async (c) => {
        const { quietDays } = readQuery(c, query);
        const scope = scopeOf(c.get('principal'), 'devices:read');
        const visible = deps.db.selectFrom('devices').where(inScope(scope));
        const byPlatform = await visible
          .select(['platform', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy('platform')
          .orderBy('platform')
          .execute();
        const byStatus = await visible
          .select(['enrollment_status', (eb) => eb.fn.countAll<string>().as('n')])
          .groupBy('enrollment_status')
          .orderBy('enrollment_status')
          .execute();
        const since = new Date(deps.now().getTime() - quietDays * 86_400_000);
        const quiet = await visible
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('enrollment_status', '=', 'enrolled')
          .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', since)]))
          .executeTakeFirstOrThrow();
        const body: z.infer<typeof summary> = {
          total: byPlatform.reduce((sum, row) => sum + Number(row.n), 0),
          byPlatform: byPlatform.map((row) => ({ platform: row.platform, count: Number(row.n) })),
          byStatus: byStatus.map((row) => ({ status: row.enrollment_status, count: Number(row.n) })),
          quiet: Number(quiet.n),
        };
        return c.json(body);
      },
    ),
  ];
}
