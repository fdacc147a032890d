// core.apple_sign_ins: the OIDC round trip an Apple enrolment began, who finished it, and the enrolment it started.
import type { Kysely } from 'kysely';
import type { AccountEnrollmentMode } from '../../core/apple/enrollment-profile.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { AppleSignIn } from '../../core/db/core/apple-sign-in.table.js';
import { sha256Hex } from '../windows/windows-sign-in.repository.js';

export async function insertAppleSignIn(
  db: Kysely<CoreDatabase>,
  signIn: {
    state: string;
    nonce: string;
    codeVerifier: string;
    redirectUri: string;
    serialNumber: string | null;
    now: Date;
    maxAgeMs: number;
  },
): Promise<void> {
  // Sign-ins that started no enrolment and can no longer start one (login window and any token expired) are swept
  // when a new one starts: nothing reads them afterwards.
  await db
    .deleteFrom('apple_sign_ins')
    .where('expires_at', '<=', signIn.now)
    .where('enrollment_id', 'is', null)
    .where((eb) => eb.or([eb('token_expires_at', 'is', null), eb('token_expires_at', '<=', signIn.now)]))
    .execute();
  await db
    .insertInto('apple_sign_ins')
    .values({
      state_hash: sha256Hex(signIn.state),
      nonce: signIn.nonce,
      code_verifier: signIn.codeVerifier,
      redirect_uri: signIn.redirectUri,
      serial_number: signIn.serialNumber,
      expires_at: new Date(signIn.now.getTime() + signIn.maxAgeMs),
    })
    .execute();
}

/** The sign-in a callback's state names, if it still waits for the provider's answer. */
export async function findOpenAppleSignIn(
  db: Kysely<CoreDatabase>,
  state: string,
  now: Date,
): Promise<AppleSignIn | undefined> {
  return db
    .selectFrom('apple_sign_ins')
    .selectAll()
    .where('state_hash', '=', sha256Hex(state))
    .where('user_id', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Records who signed in; false when another callback finished this sign-in first (the answer serves once). */
export async function completeAppleSignIn(
  db: Kysely<CoreDatabase>,
  done: { state: string; userId: string },
): Promise<boolean> {
  const result = await db
    .updateTable('apple_sign_ins')
    .set({ user_id: done.userId })
    .where('state_hash', '=', sha256Hex(done.state))
    .where('user_id', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Ties a finished sign-in to the enrolment it starts; false if it is unfinished or already tied to one. */
export async function bindAppleSignIn(
  db: Kysely<CoreDatabase>,
  bind: { state: string; enrollmentId: string },
): Promise<boolean> {
  const result = await db
    .updateTable('apple_sign_ins')
    .set({ enrollment_id: bind.enrollmentId })
    .where('state_hash', '=', sha256Hex(bind.state))
    .where('user_id', 'is not', null)
    .where((eb) => eb.or([eb('enrollment_id', 'is', null), eb('enrollment_id', '=', bind.enrollmentId)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** The user who signed in to start this enrolment, if one did. */
export async function signedInOwner(
  db: Kysely<CoreDatabase>,
  enrollmentId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('apple_sign_ins')
    .select('user_id')
    .where('enrollment_id', '=', enrollmentId)
    .executeTakeFirst();
  return row?.user_id ?? undefined;
}

/** Account-driven: stores the access token's hash on a finished sign-in that has none yet. */
export async function issueAccountToken(
  db: Kysely<CoreDatabase>,
  issue: { state: string; token: string; expiresAt: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('apple_sign_ins')
    .set({ token_hash: sha256Hex(issue.token), token_expires_at: issue.expiresAt })
    .where('state_hash', '=', sha256Hex(issue.state))
    .where('serial_number', 'is', null)
    .where('user_id', 'is not', null)
    .where('token_hash', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Uses the token for one enrolment: false if unknown, expired or already used by another enrolment. */
export async function takeAccountToken(
  db: Kysely<CoreDatabase>,
  use: { token: string; enrollmentId: string; mode: AccountEnrollmentMode; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('apple_sign_ins')
    .set({ enrollment_id: use.enrollmentId, enrollment_mode: use.mode })
    .where('token_hash', '=', sha256Hex(use.token))
    .where('token_expires_at', '>', use.now)
    .where((eb) => eb.or([eb('enrollment_id', 'is', null), eb('enrollment_id', '=', use.enrollmentId)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
