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

/** Finds a live token by hash and records its use, in one statement. */
export async function touchApiToken(
  db: Kysely<CoreDatabase>,
  tokenHash: string,
): Promise<Pick<ApiToken, 'id' | 'role'> | undefined> {
  return db
    .updateTable('api_tokens')
    .set({ last_used_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .returning(['id', 'role'])
    .executeTakeFirst();
}
