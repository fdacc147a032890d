// GET /auth/session and POST /auth/logout: the console's session, however it was signed in (OIDC or bootstrap token).
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { errorBody } from '../openapi.js';
import { sessionPrincipal } from './authenticate.js';
import { PERMISSIONS, scopeOf, type Permission } from './rbac.js';
import { clearSessionCookie, sessionCookie, type CookiePolicy } from './session-cookie.js';
import { deleteSession, findLiveSession } from './session.repository.js';

export interface SessionRouteOptions {
  db: Kysely<CoreDatabase>;
  cookies: CookiePolicy;
  sessionIdleMs: number;
  now: () => Date;
}

export function sessionRoutes(options: SessionRouteOptions): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/auth/session',
        summary:
          "The session's subject, roles, the permissions they give (anywhere: globally or in a team) and the CSRF token to send as X-CSRF-Token.",
        responses: {
          200: {
            description: 'The session.',
            schema: z.object({
              subject: z.string(),
              roles: z.array(z.string()),
              teamRoles: z.array(z.object({ teamId: z.uuid(), role: z.string() })),
              permissions: z
                .array(z.string())
                .describe('What the console may offer; the API still checks every request.'),
              csrfToken: z.string(),
              expiresAt: z.iso.datetime(),
            }),
          },
          401: { description: 'No live session.', schema: errorBody },
        },
      },
      async (c) => {
        const id = sessionCookie(c);
        const session = id && (await findLiveSession(options.db, id, options.now(), options.sessionIdleMs));
        if (!session) return c.json({ error: 'session: none; sign in at /console/' }, 401);
        const principal = await sessionPrincipal(options.db, session);
        const permissions = (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => {
          const scope = scopeOf(principal, permission);
          return scope === 'all' || scope.length > 0;
        });
        return c.json({
          subject: principal.subject,
          roles: principal.roles,
          teamRoles: principal.teamRoles,
          permissions,
          csrfToken: session.csrf_token,
          expiresAt: session.expires_at.toISOString(),
        });
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/auth/logout',
        summary: 'End the session (with X-CSRF-Token).',
        responses: {
          204: { description: 'Signed out.' },
          401: { description: 'No live session.', schema: errorBody },
          403: { description: 'The CSRF token or Origin is wrong.', schema: errorBody },
        },
      },
      async (c) => {
        // Reached only through the session authentication, which has checked the CSRF token.
        const id = sessionCookie(c);
        if (id) await deleteSession(options.db, id);
        clearSessionCookie(c, options.cookies);
        return c.body(null, 204);
      },
    ),
  ];
}
