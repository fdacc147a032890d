// Teams for account-driven enrolments (ADDE and BYOD): once the device channel is ready, the device joins the teams
// its owner's groups map to, by the same rules as zero-touch. The owner is the user whose sign-in issued the token
// the enrolment used (`core.apple_sign_ins`), never anything the edge sends.
import type { Kysely, Transaction } from 'kysely';
import type { TeamRules } from '../../core/apple/dep/index.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { placeInOwnerTeams } from './owner-teams.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

/** Places those of `deviceIds` enrolled account-driven; one query finds them, so other devices cost nothing more. */
export async function placeAccountDrivenDevices(
  db: Db,
  rules: TeamRules,
  deviceIds: readonly string[],
): Promise<void> {
  if (rules.size === 0 || deviceIds.length === 0) return;
  const owned = await db
    .selectFrom('devices')
    .innerJoin('apple_sign_ins', 'apple_sign_ins.enrollment_id', 'devices.enrollment_id')
    .innerJoin('directory_users', 'directory_users.id', 'apple_sign_ins.user_id')
    .select(['devices.id as deviceId', 'directory_users.id as userId'])
    .where('devices.id', 'in', deviceIds)
    .where('apple_sign_ins.serial_number', 'is', null)
    .where('directory_users.deleted_at', 'is', null)
    .where('directory_users.disabled', '=', false)
    .execute();
  for (const placement of owned) await placeInOwnerTeams(db, rules, placement);
}
