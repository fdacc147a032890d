// POST /auth/bootstrap: a first-start console sign-in with the bootstrap token, giving the same cookie session
// (and CSRF rules) as an OIDC sign-in.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { recordAudit } from '../audit.repository.js';
import { isBootstrapTokenDisabled } from '../bootstrap-token.repository.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { readJson } from '../json-body.js';
import { errorBody } from '../openapi.js';
import { bootstrapUserId } from './bootstrap-user.repository.js';
import { setSessionCookie, type CookiePolicy } from './session-cookie.js';
import { createSession } from './session.repository.js';
import { hashesEqual, hashToken } from './token-hash.js';

export interface BootstrapSignInOptions {
  db: Kysely<CoreDatabase>;
  bootstrapTokenHash?: string | undefined;
  bootstrapTokenEnabled: boolean;
  publicOrigin: string;
  cookies: CookiePolicy;
  sessionMaxMs: number;
  now: () => Date;
}

const body = z.strictObject({ token: z.string().min(1).max(512).describe('The bootstrap admin token.') });

export function bootstrapSignInRoutes(options: BootstrapSignInOptions): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/auth/bootstrap',
        summary:
          'Sign in to the console with the bootstrap token (first start, before OIDC): sets the `keep_session` cookie of an admin session; audited.',
        body,
        responses: {
          204: { description: 'Signed in; GET /auth/session gives the CSRF token.' },
          400: { description: 'The body is not `{token}`.', schema: errorBody },
          401: { description: 'Not the bootstrap token, or it is switched off.', schema: errorBody },
          403: { description: "The Origin is not the console's.", schema: errorBody },
        },
      },
      async (c) => {
        // A page elsewhere must not sign this browser in to a session of its choosing (login CSRF).
        const origin = c.req.header('origin');
        if (origin !== undefined && origin !== options.publicOrigin) {
          return c.json({ error: `origin: ${origin} is not this console's origin` }, 403);
        }
        const { token } = await readJson(c, body);
        const valid =
          options.bootstrapTokenHash !== undefined &&
          options.bootstrapTokenEnabled &&
          hashesEqual(hashToken(token), options.bootstrapTokenHash) &&
          !(await isBootstrapTokenDisabled(options.db));
        if (!valid) return c.json({ error: 'token: not the bootstrap token, or it is switched off' }, 401);
        const userId = await bootstrapUserId(options.db);
        // Audited first: if the audit row cannot be written, no session is opened.
        await recordAudit(
          options.db,
          { subject: `user:${userId}`, roles: ['admin'], teamRoles: [] },
          { action: 'admin.sign-in', targetKind: 'session', details: { method: 'bootstrap-token' } },
        );
        const session = await createSession(options.db, {
          userId,
          claimRoles: ['admin'],
          now: options.now(),
          maxAgeMs: options.sessionMaxMs,
        });
        setSessionCookie(c, options.cookies, session.id, session.expiresAt);
        return c.body(null, 204);
      },
    ),
  ];
}
