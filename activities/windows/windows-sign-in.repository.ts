// core.windows_sign_ins: the OIDC round trip of a Windows federated enrolment, then its single-use token.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { WindowsSignIn } from '../../core/db/core/windows-sign-in.table.js';

/** State and token are random: a fast unsalted hash suffices and allows lookup by hash. */
export const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export async function insertWindowsSignIn(
  db: Kysely<CoreDatabase>,
  signIn: {
    state: string;
    nonce: string;
    codeVerifier: string;
    redirectUri: string;
    appru: string;
    now: Date;
    maxAgeMs: number;
  },
): Promise<void> {
  // Sign-ins whose token expired or was never fetched are swept when a new one starts.
  await db
    .deleteFrom('windows_sign_ins')
    .where((eb) =>
      eb.or([
        eb.and([eb('user_id', 'is', null), eb('expires_at', '<=', signIn.now)]),
        eb('token_expires_at', '<=', signIn.now),
      ]),
    )
    .execute();
  await db
    .insertInto('windows_sign_ins')
    .values({
      state_hash: sha256Hex(signIn.state),
      nonce: signIn.nonce,
      code_verifier: signIn.codeVerifier,
      redirect_uri: signIn.redirectUri,
      appru: signIn.appru,
      expires_at: new Date(signIn.now.getTime() + signIn.maxAgeMs),
    })
    .execute();
}

/** The sign-in a callback's state names, if it is still waiting for the provider's answer. */
export async function findOpenSignIn(
  db: Kysely<CoreDatabase>,
  state: string,
  now: Date,
): Promise<WindowsSignIn | undefined> {
  return db
    .selectFrom('windows_sign_ins')
    .selectAll()
    .where('state_hash', '=', sha256Hex(state))
    .where('user_id', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Records who signed in and the token's hash; false when another callback finished this sign-in first. */
export async function completeSignIn(
  db: Kysely<CoreDatabase>,
  done: { state: string; userId: string; token: string; tokenExpiresAt: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('windows_sign_ins')
    .set({ user_id: done.userId, token_hash: sha256Hex(done.token), token_expires_at: done.tokenExpiresAt })
    .where('state_hash', '=', sha256Hex(done.state))
    .where('user_id', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Uses the token for one enrolment: the user it was issued for, or undefined if unknown, used or expired. */
export async function takeSignInToken(
  db: Kysely<CoreDatabase>,
  use: { token: string; enrollmentId: string; now: Date },
): Promise<string | undefined> {
  const row = await db
    .updateTable('windows_sign_ins')
    .set({ token_used_at: use.now, token_used_by: use.enrollmentId })
    .where('token_hash', '=', sha256Hex(use.token))
    .where((eb) => eb.or([eb('token_used_by', 'is', null), eb('token_used_by', '=', use.enrollmentId)]))
    .where('token_expires_at', '>', use.now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id ?? undefined;
}
