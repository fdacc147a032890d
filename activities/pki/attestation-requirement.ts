// Whether an enrollment may hold only a hardware-attested identity: its device is in a team that requires
// attestation (core.teams.require_attestation). A zero-touch device not yet placed in its teams counts as in the
// teams its pre-staged owner's groups map to, since placement will put it there: the profile it gets before it
// exists already follows its team's rule.
import type { Kysely } from 'kysely';
import { parseTeamRules } from '../../core/apple/dep/index.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { findOwnerUser, ownerTeamNames } from '../apple/owner-teams.js';

export type AttestationRequirement = (enrollmentId: string) => Promise<boolean>;

export function createAttestationRequirement(deps: {
  db: Kysely<CoreDatabase>;
  /** `core.dep.teamRules`: the directory groups to teams of zero-touch devices. */
  teamRules: string;
}): AttestationRequirement {
  const rules = parseTeamRules(deps.teamRules);
  return async function attestationRequired(enrollmentId) {
    const requiring = await deps.db
      .selectFrom('teams')
      .select(['id', 'name'])
      .where('require_attestation', '=', true)
      .execute();
    if (!requiring.length) return false;
    const member = await deps.db
      .selectFrom('device_teams')
      .select('device_teams.device_id')
      .where(
        'device_teams.team_id',
        'in',
        requiring.map((t) => t.id),
      )
      .where(
        'device_teams.device_id',
        'in',
        deps.db.selectFrom('devices').select('id').where('enrollment_id', '=', enrollmentId),
      )
      .executeTakeFirst();
    if (member) return true;
    const staged = await deps.db
      .selectFrom('zero_touch_enrollments')
      .innerJoin('dep_devices', 'dep_devices.id', 'zero_touch_enrollments.dep_device_id')
      .select('dep_devices.owner')
      .where('zero_touch_enrollments.enrollment_id', '=', enrollmentId)
      .executeTakeFirst();
    const user = staged?.owner ? await findOwnerUser(deps.db, staged.owner) : undefined;
    if (!user) return false;
    const names = new Set(await ownerTeamNames(deps.db, rules, user.id));
    return requiring.some((team) => names.has(team.name));
  };
}
