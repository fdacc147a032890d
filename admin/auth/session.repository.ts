// Console sessions (core.admin_sessions) and sign-ins in progress (core.admin_oidc_logins).
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { AdminSession } from '../../core/db/core/admin-session.table.js';
import { generateToken, hashToken } from './token-hash.js';

/** `last_seen_at` moves at most this often, so a busy console is not a write per request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(
  db: Kysely<CoreDatabase>,
  session: { userId: string; claimRoles: readonly string[]; now: Date; maxAgeMs: number },
): Promise<NewSession> {
  const id = generateToken();
  const csrfToken = generateToken();
  const expiresAt = new Date(session.now.getTime() + session.maxAgeMs);
  // Sessions that ended by time are swept here, at sign-in, rather than by a scheduled job.
  await db.deleteFrom('admin_sessions').where('expires_at', '<=', session.now).execute();
  await db
    .insertInto('admin_sessions')
    .values({
      id_hash: hashToken(id),
      user_id: session.userId,
      claim_roles: JSON.stringify(session.claimRoles),
      csrf_token: csrfToken,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: expiresAt,
    })
    .execute();
  return { id, csrfToken, expiresAt };
}

/** A session within its absolute lifetime and idle timeout, of a user still enabled in the directory. */
export async function findLiveSession(
  db: Kysely<CoreDatabase>,
  id: string,
  now: Date,
  idleMs: number,
): Promise<AdminSession | undefined> {
  const session = await db
    .selectFrom('admin_sessions as s')
    .innerJoin('directory_users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .where('s.id_hash', '=', hashToken(id))
    .where('u.disabled', '=', false)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!session) return undefined;
  if (session.expires_at <= now || now.getTime() - session.last_seen_at.getTime() > idleMs) {
    await deleteSession(db, id);
    return undefined;
  }
  if (now.getTime() - session.last_seen_at.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    await db
      .updateTable('admin_sessions')
      .set({ last_seen_at: now })
      .where('id_hash', '=', session.id_hash)
      .execute();
  }
  return session;
}

export async function deleteSession(db: Kysely<CoreDatabase>, id: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('id_hash', '=', hashToken(id)).execute();
}

export async function insertLogin(
  db: Kysely<CoreDatabase>,
  login: { state: string; nonce: string; codeVerifier: string; now: Date; maxAgeMs: number },
): Promise<void> {
  // Sign-ins never finished are swept when a new one starts.
  await db
    .deleteFrom('admin_oidc_logins')
    .where('created_at', '<', new Date(login.now.getTime() - login.maxAgeMs))
    .execute();
  await db
    .insertInto('admin_oidc_logins')
    .values({
      state: login.state,
      nonce: login.nonce,
      code_verifier: login.codeVerifier,
      created_at: login.now,
    })
    .execute();
}

/** Takes a sign-in out of the table (single use); undefined when unknown, used, or older than `maxAgeMs`. */
export async function takeLogin(
  db: Kysely<CoreDatabase>,
  state: string,
  now: Date,
  maxAgeMs: number,
): Promise<{ nonce: string; codeVerifier: string } | undefined> {
  const row = await db
    .deleteFrom('admin_oidc_logins')
    .where('state', '=', state)
    .returningAll()
    .executeTakeFirst();
  if (!row || now.getTime() - row.created_at.getTime() > maxAgeMs) return undefined;
  return { nonce: row.nonce, codeVerifier: row.code_verifier };
}
