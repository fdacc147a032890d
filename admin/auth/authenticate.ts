// Authentication for the admin API: a bearer token (bootstrap or API token), or a console session cookie with CSRF.
import type { Kysely } from 'kysely';
import type { Context, MiddlewareHandler } from 'hono';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { AdminSession } from '../../core/db/core/admin-session.table.js';
import { touchApiToken } from '../api-token.repository.js';
import { isBootstrapTokenDisabled } from '../bootstrap-token.repository.js';
import { rolesOfToken, rolesOfUser } from '../role-grant.repository.js';
import type { AdminEnv, Principal } from './principal.js';
import { isRole, type Role } from './rbac.js';
import { sessionCookie } from './session-cookie.js';
import { isBootstrapUser } from './bootstrap-user.repository.js';
import { findLiveSession } from './session.repository.js';
import { hashesEqual, hashToken } from './token-hash.js';

export interface AuthenticateOptions {
  db: Kysely<CoreDatabase>;
  /** Hex SHA-256 of the bootstrap admin token; absent = API tokens only. */
  bootstrapTokenHash?: string | undefined;
  /** admin.bootstrapTokenEnabled; the API switch in the database turns it off too. */
  bootstrapTokenEnabled: boolean;
  /** Origin of admin.publicUrl: a cookie request that changes state must come from it. */
  publicOrigin: string;
  sessionIdleMs: number;
  now: () => Date;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

function unauthorized(message: string, invalidToken: boolean): Response {
  const challenge = invalidToken
    ? 'Bearer realm="keep-admin", error="invalid_token"'
    : 'Bearer realm="keep-admin"';
  return Response.json({ error: message }, { status: 401, headers: { 'WWW-Authenticate': challenge } });
}

export function authenticate(options: AuthenticateOptions): MiddlewareHandler<AdminEnv> {
  return async function authenticateRequest(c, next) {
    const header = c.req.header('authorization');
    const cookie = sessionCookie(c);
    if (header === undefined && cookie !== undefined) {
      const refused = await authenticateSession(options, c, cookie);
      if (refused) return refused;
      return next();
    }
    if (!header) return unauthorized('authorization: a bearer token or a session is required', false);
    const token = BEARER.exec(header)?.[1];
    if (!token) return unauthorized('authorization: expected "Bearer <token>"', true);
    const found = await principalFor(options, hashToken(token));
    if (found === 'expired') return unauthorized('authorization: the token has expired', true);
    if (!found) return unauthorized('authorization: the token is invalid or revoked', true);
    c.set('principal', found);
    await next();
  };
}

async function principalFor(
  options: AuthenticateOptions,
  hash: string,
): Promise<Principal | 'expired' | undefined> {
  if (options.bootstrapTokenHash && hashesEqual(hash, options.bootstrapTokenHash)) {
    if (!options.bootstrapTokenEnabled || (await isBootstrapTokenDisabled(options.db))) return undefined;
    return { subject: 'bootstrap', roles: ['admin'], teamRoles: [] };
  }
  const token = await touchApiToken(options.db, hash, options.now());
  if (!token || !isRole(token.role)) return undefined;
  if (token.expires_at <= options.now()) return 'expired';
  const granted = await rolesOfToken(options.db, token.id);
  const own =
    token.team_id === null
      ? { roles: [token.role], teamRoles: [] }
      : {
          roles: [],
          teamRoles: [{ teamId: token.team_id, role: token.role }],
        };
  return {
    subject: `token:${token.id}`,
    roles: unique([...own.roles, ...granted.roles]),
    teamRoles: [...own.teamRoles, ...granted.teamRoles],
  };
}

/** Undefined when the session lets the request through (the principal is then set); else the refusal. */
async function authenticateSession(
  options: AuthenticateOptions,
  c: Context<AdminEnv>,
  cookie: string,
): Promise<Response | undefined> {
  const session = await findLiveSession(options.db, cookie, options.now(), options.sessionIdleMs);
  if (!session || (!options.bootstrapTokenEnabled && (await isBootstrapUser(options.db, session.user_id))))
    return Response.json({ error: 'session: expired or signed out; sign in again' }, { status: 401 });
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== options.publicOrigin) {
      return Response.json({ error: `origin: ${origin} is not this console's origin` }, { status: 403 });
    }
    const csrf = c.req.header(CSRF_HEADER) ?? '';
    if (!hashesEqual(hashToken(csrf), hashToken(session.csrf_token))) {
      return Response.json(
        { error: 'X-CSRF-Token: missing or wrong (GET /auth/session hands it out)' },
        { status: 403 },
      );
    }
  }
  c.set('principal', await sessionPrincipal(options.db, session));
  return undefined;
}

export async function sessionPrincipal(db: Kysely<CoreDatabase>, session: AdminSession): Promise<Principal> {
  const granted = await rolesOfUser(db, session.user_id);
  const claimed = session.claim_roles.filter(isRole);
  return {
    subject: `user:${session.user_id}`,
    roles: unique([...claimed, ...granted.roles]),
    teamRoles: granted.teamRoles,
  };
}

function unique(roles: readonly Role[]): Role[] {
  return [...new Set(roles)];
}
