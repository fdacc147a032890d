// Teams in core.teams and their devices in core.device_teams.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { Team } from '../core/db/core/team.table.js';
import { isUuid } from './ids.js';

export async function insertTeam(db: Kysely<CoreDatabase>, name: string): Promise<Team | undefined> {
  return db
    .insertInto('teams')
    .values({ name })
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function listTeams(db: Kysely<CoreDatabase>): Promise<Team[]> {
  return db.selectFrom('teams').selectAll().orderBy('name').execute();
}

export async function findTeam(db: Kysely<CoreDatabase>, id: string): Promise<Team | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Undefined for an unknown team; throws the unique violation for a taken name (the route turns it into 409). */
export async function renameTeam(
  db: Kysely<CoreDatabase>,
  id: string,
  name: string,
): Promise<Team | undefined> {
  if (!isUuid(id)) return undefined;
  return db.updateTable('teams').set({ name }).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function setTeamAttestation(
  db: Kysely<CoreDatabase>,
  id: string,
  required: boolean,
): Promise<Team | undefined> {
  if (!isUuid(id)) return undefined;
  return db
    .updateTable('teams')
    .set({ require_attestation: required })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function setTeamRevealApproval(
  db: Kysely<CoreDatabase>,
  id: string,
  required: boolean,
): Promise<Team | undefined> {
  if (!isUuid(id)) return undefined;
  return db
    .updateTable('teams')
    .set({ require_reveal_approval: required })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Whether a device is in a team that wants a second approver for every reveal of its secrets. */
export async function teamRequiresRevealApproval(
  db: Kysely<CoreDatabase>,
  deviceId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('device_teams as dt')
    .innerJoin('teams as t', 't.id', 'dt.team_id')
    .select('t.id')
    .where('dt.device_id', '=', deviceId)
    .where('t.require_reveal_approval', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteTeam(db: Kysely<CoreDatabase>, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const row = await db.deleteFrom('teams').where('id', '=', id).returning('id').executeTakeFirst();
  return row !== undefined;
}

export async function addDeviceToTeam(
  db: Kysely<CoreDatabase>,
  teamId: string,
  deviceId: string,
): Promise<void> {
  await db
    .insertInto('device_teams')
    .values({ team_id: teamId, device_id: deviceId })
    .onConflict((oc) => oc.columns(['device_id', 'team_id']).doNothing())
    .execute();
}

export async function removeDeviceFromTeam(
  db: Kysely<CoreDatabase>,
  teamId: string,
  deviceId: string,
): Promise<boolean> {
  const row = await db
    .deleteFrom('device_teams')
    .where('team_id', '=', teamId)
    .where('device_id', '=', deviceId)
    .returning('device_id')
    .executeTakeFirst();
  return row !== undefined;
}
