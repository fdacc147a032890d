// The directory user an OIDC sign-in is: found by subject, verified e-mail or username, else created (source 'oidc').
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../db/core-database.js';
import type { DirectoryUserRow as DirectoryUser } from '../db/core/directory-user.table.js';

export interface IdentityClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  preferred_username?: unknown;
  name?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Directory users (LDAP, SCIM) are matched so that their group grants apply; an e-mail counts only when the
 * provider does not say it is unverified. Deleted users never match; a disabled match is returned as is, and
 * the caller refuses it.
 */
export async function findOrCreateOidcUser(
  db: Kysely<CoreDatabase>,
  issuer: string,
  claims: IdentityClaims,
): Promise<DirectoryUser> {
  const found = await findOidcUser(db, issuer, claims);
  if (found) return found;
  const email = verifiedEmail(claims);
  const username = text(claims.preferred_username);
  return db
    .insertInto('directory_users')
    .values({
      source: 'oidc',
      external_id: `${issuer}#${claims.sub}`,
      username: username ?? email ?? claims.sub,
      email: email ?? null,
      display_name: text(claims.name) ?? null,
      department: null,
      attributes: JSON.stringify({ issuer }),
      deleted_at: null,
    })
    .onConflict((oc) => oc.columns(['source', 'external_id']).doUpdateSet({ updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

const verifiedEmail = (claims: IdentityClaims) =>
  claims.email_verified === false ? undefined : text(claims.email);

/** The live directory user the sign-in is, by subject, verified e-mail or username; undefined when none is. */
export async function findOidcUser(
  db: Kysely<CoreDatabase>,
  issuer: string,
  claims: IdentityClaims,
): Promise<DirectoryUser | undefined> {
  const externalId = `${issuer}#${claims.sub}`;
  const email = verifiedEmail(claims);
  const username = text(claims.preferred_username);
  const live = db.selectFrom('directory_users').selectAll().where('deleted_at', 'is', null);
  const bySubject = await live
    .where('source', '=', 'oidc')
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  if (bySubject) return bySubject;
  if (email) {
    const byEmail = await live
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .orderBy('created_at')
      .executeTakeFirst();
    if (byEmail) return byEmail;
  }
  if (username) {
    const byUsername = await live.where('username', '=', username).orderBy('created_at').executeTakeFirst();
    if (byUsername) return byUsername;
  }
  return undefined;
}
