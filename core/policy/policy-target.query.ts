// The devices a policy's targets select, as one query: the dry run shows it, the fan-out writes from it.
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { CoreDatabase } from '../db/core-database.js';
import type { PolicyTarget } from './policy-target.js';

type Eb = ExpressionBuilder<CoreDatabase, 'devices'>;

/** Dotted versions compare as integer arrays; a version that is not dotted digits matches no range. */
function osVersionAtLeast(eb: Eb, version: string, op: '>=' | '<=') {
  return eb.and([
    eb('devices.os_version', '~', '^[0-9]+(\\.[0-9]+)*$'),
    sql<boolean>`string_to_array(devices.os_version, '.')::int[] ${sql.raw(op)} string_to_array(${version}, '.')::int[]`,
  ]);
}

function matches(eb: Eb, target: PolicyTarget) {
  const conditions = [];
  if (target.teamId)
    conditions.push(
      eb.exists(
        eb
          .selectFrom('device_teams')
          .select('device_teams.device_id')
          .whereRef('device_teams.device_id', '=', 'devices.id')
          .where('device_teams.team_id', '=', target.teamId),
      ),
    );
  if (target.label)
    conditions.push(
      eb.exists(
        eb
          .selectFrom('device_labels')
          .select('device_labels.device_id')
          .whereRef('device_labels.device_id', '=', 'devices.id')
          .where('device_labels.label', '=', target.label),
      ),
    );
  if (target.platforms) conditions.push(eb('devices.os_platform', 'in', target.platforms));
  if (target.minOsVersion) conditions.push(osVersionAtLeast(eb, target.minOsVersion, '>='));
  if (target.maxOsVersion) conditions.push(osVersionAtLeast(eb, target.maxOsVersion, '<='));
  return eb.and(conditions);
}

/** Enrolled (or enrolling) devices meeting any of the targets; none for no targets. */
export function devicesMatching(db: Kysely<CoreDatabase>, targets: readonly PolicyTarget[]) {
  return db
    .selectFrom('devices')
    .where('devices.enrollment_status', '!=', 'checked-out')
    .where((eb) => (targets.length === 0 ? eb.val(false) : eb.or(targets.map((t) => matches(eb, t)))));
}
