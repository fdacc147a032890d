// Bearer authentication for the admin API: the bootstrap token from configuration, or an API token.
import type { Kysely } from 'kysely';
import type { MiddlewareHandler } from 'hono';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { touchApiToken } from '../api-token.repository.js';
import type { AdminEnv, Principal } from './principal.js';
import { isRole } from './rbac.js';
import { hashesEqual, hashToken } from './token-hash.js';

export interface AuthenticateOptions {
  db: Kysely<CoreDatabase>;
  /** Hex SHA-256 of the bootstrap admin token; absent = API tokens only. */
  bootstrapTokenHash?: string | undefined;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/;

function unauthorized(message: string, invalidToken: boolean): Response {
  const challenge = invalidToken
    ? 'Bearer realm="keep-admin", error="invalid_token"'
    : 'Bearer realm="keep-admin"';
  return Response.json({ error: message }, { status: 401, headers: { 'WWW-Authenticate': challenge } });
}

export function authenticate(options: AuthenticateOptions): MiddlewareHandler<AdminEnv> {
  return async function authenticateBearer(c, next) {
    const header = c.req.header('authorization');
    if (!header) return unauthorized('authorization: a bearer token is required', false);
    const token = BEARER.exec(header)?.[1];
    if (!token) return unauthorized('authorization: expected "Bearer <token>"', true);
    const principal = await principalFor(options, hashToken(token));
    if (!principal) return unauthorized('authorization: the token is invalid or revoked', true);
    c.set('principal', principal);
    await next();
  };
}

async function principalFor(options: AuthenticateOptions, hash: string): Promise<Principal | undefined> {
  if (options.bootstrapTokenHash && hashesEqual(hash, options.bootstrapTokenHash)) {
    return { subject: 'bootstrap', role: 'admin' };
  }
  const token = await touchApiToken(options.db, hash);
  if (!token || !isRole(token.role)) return undefined;
  return { subject: `token:${token.id}`, role: token.role };
}
