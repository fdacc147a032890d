// Puts a device in the teams its owner's directory groups map to (`dep.teamRules`): the one placement zero-touch
// and account-driven enrolment share. Missing teams are created; a device already in a team stays once.
import type { Kysely, Transaction } from 'kysely';
import { teamsFor, type TeamRules } from '../../core/apple/dep/index.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

/** Answers the teams the device is now in by its owner's groups (nested groups count: memberships are flattened). */
export async function placeInOwnerTeams(
  db: Db,
  rules: TeamRules,
  placement: { userId: string; deviceId: string },
): Promise<string[]> {
  const groups = await db
    .selectFrom('directory_memberships')
    .innerJoin('directory_groups', 'directory_groups.id', 'directory_memberships.group_id')
    .select('directory_groups.name')
    .where('directory_memberships.user_id', '=', placement.userId)
    .where('directory_groups.deleted_at', 'is', null)
    .execute();
  const teams = teamsFor(
    rules,
    groups.map((g) => g.name),
  );
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
