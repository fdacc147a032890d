// API tokens in core.api_tokens: created with their hash only, listed without it, revoked by time stamp.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { ApiToken, NewApiToken } from '../core/db/core/api-token.table.js';

export type ApiTokenSummary = Omit<ApiToken, 'token_hash'>;

const summaryColumns = [
  'id',
  'name',
  'role',
  'created_by',
  'created_at',
  'expires_at',
  'team_id',
  'last_used_at',
  'revoked_at',
] as const;

export async function insertApiToken(db: Kysely<CoreDatabase>, token: NewApiToken): Promise<ApiTokenSummary> {
  return db.insertInto('api_tokens').values(token).returning(summaryColumns).executeTakeFirstOrThrow();
}

export async function listApiTokens(db: Kysely<CoreDatabase>): Promise<ApiTokenSummary[]> {
  return db.selectFrom('api_tokens').select(summaryColumns).orderBy('created_at').orderBy('id').execute();
}

/** Revokes once: a second revoke keeps the first time stamp. Undefined when there is no such token. */
export async function revokeApiToken(
  db: Kysely<CoreDatabase>,
  id: string,
): Promise<ApiTokenSummary | undefined> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return db.selectFrom('api_tokens').select(summaryColumns).where('id', '=', id).executeTakeFirst();
}

/** `last_used_at` is written at most this often per token, so authentication is not a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Finds an unrevoked token by hash (expired or not: the caller says which) and records its use, coarsely. */
export async function touchApiToken(
  db: Kysely<CoreDatabase>,
  tokenHash: string,
  now: Date,
): Promise<Pick<ApiToken, 'id' | 'role' | 'team_id' | 'expires_at'> | undefined> {
  const token = await db
    .selectFrom('api_tokens')
    .select(['id', 'role', 'team_id', 'expires_at', 'last_used_at'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!token || token.expires_at <= now) return token;
  if (!token.last_used_at || now.getTime() - token.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', token.id).execute();
  }
  return token;
}
