// A device's owner in the directory and the teams the owner's groups map to (`dep.teamRules`): the one lookup and
// placement that zero-touch, account-driven enrolment and the attestation requirement share. Missing teams are
// created; a device already in a team stays once.
import { sql, type Kysely, type Transaction } from 'kysely';
import { teamsFor, type TeamRules } from '../../core/apple/dep/index.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

/** The live directory user a pre-staged owner (user name or e-mail) names. */
export async function findOwnerUser(db: Db, owner: string): Promise<{ id: string } | undefined> {
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

/** The names of the teams `rules` maps the user's groups to (nested groups count: memberships are flattened). */
export async function ownerTeamNames(db: Db, rules: TeamRules, userId: string): Promise<string[]> {
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

/** Answers the teams the device is now in by its owner's groups. */
export async function placeInOwnerTeams(
  db: Db,
  rules: TeamRules,
  placement: { userId: string; deviceId: string },
): Promise<string[]> {
  const teams = await ownerTeamNames(db, rules, placement.userId);
  if (teams.length === 0) return teams;
  await db
    .insertInto('teams')
    .values(teams.map((name) => ({ name })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const ids = await db.selectFrom('teams').select('id').where('name', 'in', teams).execute();
  await db
    .insertInto('device_teams')
    .values(ids.map(({ id }) => ({ device_id: placement.deviceId, team_id: id })))
    .onConflict((oc) => oc.columns(['device_id', 'team_id']).doNothing())
    .execute();
  return teams;
}
