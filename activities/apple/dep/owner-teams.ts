// The teams a zero-touch device's pre-staged owner puts it in: the owner's directory user, their groups (nested
// ones count through directory_memberships) and the teams `core.dep.teamRules` maps those groups to.
import { sql, type Kysely } from 'kysely';
import { teamsFor, type TeamRules } from '../../../core/apple/dep/index.js';
import type { CoreDatabase } from '../../../core/db/core-database.js';

/** The live directory user a pre-staged owner (user name or e-mail) names. */
export async function findOwnerUser(
  db: Kysely<CoreDatabase>,
  owner: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('directory_users')
    .select('id')
    .where('deleted_at', 'is', null)
    .where('disabled', '=', false)
    .where((eb) =>
      eb.or([eb('username', '=', owner), eb(sql<string>`lower(email)`, '=', owner.toLowerCase())]),
    )
    .orderBy('source')
    .executeTakeFirst();
}

/** The names of the teams `rules` maps the user's groups to. */
export async function ownerTeamNames(
  db: Kysely<CoreDatabase>,
  rules: TeamRules,
  userId: string,
): Promise<string[]> {
  const groups = await db
    .selectFrom('directory_memberships')
    .innerJoin('directory_groups', 'directory_groups.id', 'directory_memberships.group_id')
    .select('directory_groups.name')
    .where('directory_memberships.user_id', '=', userId)
    .where('directory_groups.deleted_at', 'is', null)
    .execute();
  return teamsFor(
    rules,
    groups.map((g) => g.name),
  );
}
