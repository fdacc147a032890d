// POST /v1/bootstrap-token/disable: switches the bootstrap token off for good, once another admin exists.
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import { recordAudit } from './audit.repository.js';
import { disableBootstrapToken } from './bootstrap-token.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { errorBody } from './openapi.js';
import { anotherAdminExists } from './role-grant.repository.js';

export function bootstrapTokenRoutes(deps: { db: Kysely<CoreDatabase>; now: () => Date }): AdminRoute[] {
  const route = defineRoute(
    {
      method: 'post',
      path: '/v1/bootstrap-token/disable',
      summary:
        'Switch the bootstrap token off for good (recorded in the database); allowed once another admin token or grant exists.',
      permission: 'tokens:manage',
      responses: {
        200: {
          description: 'Disabled (or already disabled).',
          schema: z.object({ disabled: z.literal(true) }),
        },
        409: { description: 'No other admin exists yet.', schema: errorBody },
      },
    },
    async (c) => {
      // Without another admin, switching it off would lock every administrator out.
      if (!(await anotherAdminExists(deps.db))) {
        throw new HTTPException(409, {
          message: 'no other admin exists: create a global admin API token or an admin role grant first',
        });
      }
      await recordAudit(deps.db, c.get('principal'), {
        action: 'bootstrap-token.disable',
        targetKind: 'bootstrap-token',
      });
      await disableBootstrapToken(deps.db, c.get('principal').subject, deps.now());
      return c.json({ disabled: true });
    },
  );
  return [route];
}
