// ACME state in the edge database, so that every edge replica sees every nonce, account and order.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Updateable } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { AcmeOrder, AcmeOrderTable } from '../../core/db/edge/acme.table.js';

type Db = Kysely<EdgeDatabase>;

/** 128 random bits, base64url: a nonce or a challenge token (RFC 8555 §8.1 wants at least 128 bits). */
export const randomToken = () => randomBytes(16).toString('base64url');

export async function issueNonce(db: Db, ttlMs: number): Promise<string> {
  const nonce = randomToken();
  await db
    .insertInto('acme_nonces')
    .values({ nonce, expires_at: new Date(Date.now() + ttlMs) })
    .execute();
  return nonce;
}

/** Whether the nonce was issued, unexpired and unused; it is used now. Expired nonces go in the same statement. */
export async function consumeNonce(db: Db, nonce: string): Promise<boolean> {
  const deleted = await db
    .deleteFrom('acme_nonces')
    .where((eb) => eb.or([eb('nonce', '=', nonce), eb('expires_at', '<', sql<Date>`now()`)]))
    .returning(['nonce', 'expires_at'])
    .execute();
  return deleted.some((row) => row.nonce === nonce && row.expires_at > new Date());
}

/** The account of this key, created if new; `created` says which (RFC 8555 §7.3: 201 or 200). */
export async function upsertAccount(
  db: Db,
  thumbprint: string,
  jwk: Record<string, unknown>,
): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('acme_accounts')
    .values({ thumbprint, jwk: JSON.stringify(jwk) })
    .onConflict((oc) => oc.column('thumbprint').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await findAccountByThumbprint(db, thumbprint);
  return { id: existing!.id, created: false };
}

export function findAccountByThumbprint(db: Db, thumbprint: string) {
  return db
    .selectFrom('acme_accounts')
    .select(['id', 'jwk'])
    .where('thumbprint', '=', thumbprint)
    .executeTakeFirst();
}

export function findAccount(db: Db, id: string) {
  return db.selectFrom('acme_accounts').select(['id', 'jwk']).where('id', '=', id).executeTakeFirst();
}

export async function createOrder(
  db: Db,
  order: { accountId: string; identifier: string; expiresAt: Date },
): Promise<AcmeOrder> {
  return db
    .insertInto('acme_orders')
    .values({
      account_id: order.accountId,
      identifier: order.identifier,
      status: 'pending',
      token: randomToken(),
      challenge_status: 'pending',
      error: null,
      expires_at: order.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Only the account that placed an order may see or act on it. */
export function findOrder(db: Db, id: string, accountId: string): Promise<AcmeOrder | undefined> {
  return db
    .selectFrom('acme_orders')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** Moves an order on only from the status the caller saw, so two concurrent requests cannot both act. */
export async function transitionOrder(
  db: Db,
  id: string,
  from: { status?: AcmeOrder['status']; challengeStatus?: AcmeOrder['challenge_status'] },
  changes: Updateable<AcmeOrderTable>,
): Promise<AcmeOrder | undefined> {
  let query = db.updateTable('acme_orders').set(changes).where('id', '=', id);
  if (from.status) query = query.where('status', '=', from.status);
  if (from.challengeStatus) query = query.where('challenge_status', '=', from.challengeStatus);
  return query.returningAll().executeTakeFirst();
}
