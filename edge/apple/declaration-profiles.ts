// The signed profiles behind an enrollment's `com.apple.configuration.legacy` declarations: replaced with the set
// by the core, sealed at rest, opened only for the enrollment's own device when it fetches the ProfileURL.
import type { Kysely, Transaction } from 'kysely';
import type { DeclarationProfile } from '../../core/apple/policy/index.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';

/** Bound to its row: a sealed body copied to another enrollment or identifier does not open. */
const aad = (enrollmentId: string, identifier: string) =>
  Buffer.from(`edge.apple_declaration_profiles:${enrollmentId}:${identifier}`, 'utf8');

/** The enrollment's profiles become exactly these (a withdrawn one is no longer served). */
export async function replaceDeclarationProfiles(
  tx: Transaction<EdgeDatabase>,
  ring: KeyRing,
  enrollmentId: string,
  profiles: readonly DeclarationProfile[],
): Promise<void> {
  await tx.deleteFrom('apple_declaration_profiles').where('enrollment_id', '=', enrollmentId).execute();
  if (profiles.length === 0) return;
  await tx
    .insertInto('apple_declaration_profiles')
    .values(
      profiles.map(({ identifier, profile }) => {
        const sealed = ring.seal(Buffer.from(profile, 'base64'), aad(enrollmentId, identifier));
        return { enrollment_id: enrollmentId, identifier, body: sealed.data, body_key_id: sealed.keyId };
      }),
    )
    .execute();
}

/** The signed profile to hand the enrollment's device, or undefined when it is not (or no longer) served. */
export async function declarationProfile(
  db: Kysely<EdgeDatabase>,
  ring: KeyRing,
  enrollmentId: string,
  identifier: string,
): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('apple_declaration_profiles')
    .select(['body', 'body_key_id'])
    .where('enrollment_id', '=', enrollmentId)
    .where('identifier', '=', identifier)
    .executeTakeFirst();
  return row && ring.open(row.body_key_id, row.body, aad(enrollmentId, identifier));
}
