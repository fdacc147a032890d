// /auth/login and /auth/callback: OIDC sign-in to the console (authorization code + PKCE) and the session it creates.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Logger } from '../../core/log/logger.js';
import { recordAudit } from '../audit.repository.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { errorBody } from '../openapi.js';
import { sessionPrincipal } from './authenticate.js';
import { oidcConfiguration } from '../../core/oidc/oidc-client.js';
import { findOrCreateOidcUser } from '../../core/directory/oidc-user.repository.js';
import type { Principal } from './principal.js';
import { rolesFromClaim, type RoleMapping } from './role-mapping.js';
import { setLoginCookie, setSessionCookie, takeLoginCookie, type CookiePolicy } from './session-cookie.js';
import {
  createSession,
  deleteSession,
  findLiveSession,
  insertLogin,
  takeLogin,
} from './session.repository.js';

export interface OidcRouteOptions {
  db: Kysely<CoreDatabase>;
  log: Logger;
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  scopes: string;
  roleClaim: string;
  roleMapping: RoleMapping;
  /** admin.publicUrl: the redirect URI is `<publicUrl>/auth/callback`. */
  publicUrl: string;
  sessionMaxMs: number;
  sessionIdleMs: number;
  now: () => Date;
}

/** A sign-in must come back within this time. */
const LOGIN_MAX_AGE_S = 600;

function refuse(c: Context, status: 400 | 401 | 403, message: string): Response {
  if (c.req.header('accept')?.includes('text/html')) {
    const escaped = message.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
    return c.html(`<!doctype html><title>Keep sign-in</title><p>${escaped}</p>`, status);
  }
  return c.json({ error: message }, status);
}

export function oidcRoutes(options: OidcRouteOptions): AdminRoute[] {
  const discovered = oidcConfiguration(options);
  const configuration = () =>
    discovered().catch((error: unknown) => {
      options.log.warn(
        { err: { name: (error as Error).name, message: (error as Error).message } },
        'OIDC discovery failed',
      );
      throw new HTTPException(503, {
        message: 'the identity provider cannot be reached; try again',
        cause: error,
      });
    });
  const redirectUri = new URL('/auth/callback', options.publicUrl).href;
  const cookies: CookiePolicy = { secure: new URL(options.publicUrl).protocol === 'https:' };

  return [
    defineRoute(
      {
        method: 'get',
        path: '/auth/login',
        summary: 'Start an OIDC sign-in: redirects to the identity provider (authorization code, PKCE S256).',
        responses: {
          302: { description: 'To the identity provider.' },
          503: { description: 'The identity provider cannot be reached.', schema: errorBody },
        },
      },
      async (c) => {
        const config = await configuration();
        const state = client.randomState();
        const nonce = client.randomNonce();
        const codeVerifier = client.randomPKCECodeVerifier();
        await insertLogin(options.db, {
          state,
          nonce,
          codeVerifier,
          now: options.now(),
          maxAgeMs: LOGIN_MAX_AGE_S * 1000,
        });
        setLoginCookie(c, cookies, state, LOGIN_MAX_AGE_S);
        const url = client.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: options.scopes,
          state,
          nonce,
          code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
          code_challenge_method: 'S256',
        });
        return c.redirect(url.href, 302);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/auth/callback',
        summary: 'Where the identity provider sends the browser back; creates the `keep_session` cookie.',
        responses: {
          303: { description: 'Signed in: to the console (/console/).' },
          400: { description: 'The state is wrong, used or expired.', schema: errorBody },
          401: { description: 'The code exchange or the ID token did not validate.', schema: errorBody },
          403: { description: 'No role is mapped to this user, or the user is disabled.', schema: errorBody },
        },
      },
      async (c) => {
        const state = c.req.query('state');
        const bound = takeLoginCookie(c, cookies);
        if (!state || state !== bound) {
          return refuse(c, 400, 'state: does not match the sign-in this browser started');
        }
        const login = await takeLogin(options.db, state, options.now(), LOGIN_MAX_AGE_S * 1000);
        if (!login) return refuse(c, 400, 'state: unknown, already used or expired sign-in; start again');
        const config = await configuration();
        // The URL the provider redirected to, rebuilt on the public URL (the Host header is the client's to choose).
        const current = new URL(redirectUri);
        current.search = new URL(c.req.url).search;
        let claims: client.IDToken;
        try {
          const tokens = await client.authorizationCodeGrant(config, current, {
            pkceCodeVerifier: login.codeVerifier,
            expectedState: state,
            expectedNonce: login.nonce,
            idTokenExpected: true,
          });
          claims = tokens.claims()!;
        } catch (error) {
          // The library's messages name the failed check, never a token or claim value.
          const { name, message, code, cause } = error as Error & { code?: string };
          const reason = cause instanceof Error ? cause.message : undefined;
          options.log.warn({ err: { name, message, code, reason } }, 'OIDC sign-in refused');
          return refuse(c, 401, "sign-in refused: the identity provider's answer did not validate");
        }
        const user = await findOrCreateOidcUser(options.db, config.serverMetadata().issuer, claims);
        if (user.disabled) return refuse(c, 403, 'forbidden: this user is disabled in the directory');
        const claimRoles = rolesFromClaim(claims[options.roleClaim], options.roleMapping);
        const session = await createSession(options.db, {
          userId: user.id,
          claimRoles,
          now: options.now(),
          maxAgeMs: options.sessionMaxMs,
        });
        const principal = await principalOf(options.db, session.id, options);
        if (!principal || (principal.roles.length === 0 && principal.teamRoles.length === 0)) {
          await deleteSession(options.db, session.id);
          return refuse(c, 403, 'forbidden: no role is mapped to this user (claim or role grant)');
        }
        await recordAudit(options.db, principal, { action: 'admin.sign-in', targetKind: 'session' });
        setSessionCookie(c, cookies, session.id, session.expiresAt);
        return c.redirect('/console/', 303);
      },
    ),
  ];
}

async function principalOf(
  db: Kysely<CoreDatabase>,
  id: string,
  options: OidcRouteOptions,
): Promise<Principal | undefined> {
  const session = await findLiveSession(db, id, options.now(), options.sessionIdleMs);
  return session && sessionPrincipal(db, session);
}
