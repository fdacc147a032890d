// Reads of the device inventory (core.devices) for the admin API; the device workflow writes it.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { Device } from '../core/db/core/device.table.js';
import type { Scope } from './auth/rbac.js';
import { isUuid } from './ids.js';

/** Commands sent but not answered for good: still queued, or refused for now by a busy device. */
export const PENDING_STATUSES = ['queued', 'not-now'] as const;

/** Devices the caller may see: all, or those in one of the scope's teams; in SQL, so no page or cursor leaks. */
export function inScope(scope: Scope) {
  return (eb: ExpressionBuilder<CoreDatabase, 'devices'>): Expression<SqlBool> => {
    if (scope === 'all') return sql<boolean>`true`;
    if (scope.length === 0) return sql<boolean>`false`;
    return eb(
      'devices.id',
      'in',
      eb
        .selectFrom('device_teams')
        .select('device_teams.device_id')
        .where('device_teams.team_id', 'in', scope),
    );
  };
}

export interface DeviceFilter {
  scope: Scope;
  limit: number;
  /** Devices with a greater id than this one. */
  after?: string | undefined;
  platform?: Device['platform'] | undefined;
  status?: Device['enrollment_status'] | undefined;
  /** A piece of the serial number, name or UDID (case-insensitive). */
  search?: string | undefined;
  /** Only devices in this team. */
  teamId?: string | undefined;
  /** Only devices whose OS version is this one or one of its updates (`17` matches 17.4.1; `17.4` not 17.40). */
  osVersion?: string | undefined;
  /** Only devices whose policies, taken together, have this status (as GET /v1/devices/{id}/compliance judges). */
  compliance?: DeviceCompliance | undefined;
  /** A piece of the owner Apple Business Manager pre-staged the device for (case-insensitive). */
  owner?: string | undefined;
  /** Only devices carrying this label. */
  label?: string | undefined;
}

/** failing: a setting fails; unknown: none fails, one is unproven; compliant: neither (a device without policies too). */
export type DeviceCompliance = 'compliant' | 'failing' | 'unknown';

/** `%` and `_` typed by an admin are searched for, not treated as wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function likePattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

function hasCompliance(status: DeviceCompliance) {
  return (eb: ExpressionBuilder<CoreDatabase, 'devices'>): Expression<SqlBool> => {
    const withStatus = (wanted: 'failing' | 'unknown') =>
      eb.exists(
        eb
          .selectFrom('device_policy_compliance as dpc')
          .select('dpc.device_id')
          .whereRef('dpc.device_id', '=', 'devices.id')
          .where('dpc.status', '=', wanted),
      );
    switch (status) {
      case 'failing':
        return withStatus('failing');
      case 'unknown':
        return eb.and([eb.not(withStatus('failing')), withStatus('unknown')]);
      case 'compliant':
        return eb.and([eb.not(withStatus('failing')), eb.not(withStatus('unknown'))]);
    }
  };
}

export async function listDevices(db: Kysely<CoreDatabase>, filter: DeviceFilter): Promise<Device[]> {
  let query = db
    .selectFrom('devices')
    .selectAll()
    .where(inScope(filter.scope))
    .orderBy('id')
    .limit(filter.limit);
  if (filter.after) query = query.where('id', '>', filter.after);
  if (filter.platform) query = query.where('platform', '=', filter.platform);
  if (filter.status) query = query.where('enrollment_status', '=', filter.status);
  if (filter.search) {
    const pattern = likePattern(filter.search);
    query = query.where((eb) =>
      eb.or([
        eb('serial_number', 'ilike', pattern),
        eb('name', 'ilike', pattern),
        eb('udid', 'ilike', pattern),
      ]),
    );
  }
  if (filter.osVersion) {
    const version = filter.osVersion;
    query = query.where((eb) =>
      eb.or([eb('os_version', '=', version), eb('os_version', 'like', `${escapeLike(version)}.%`)]),
    );
  }
  if (filter.compliance) query = query.where(hasCompliance(filter.compliance));
  if (filter.owner) {
    const pattern = likePattern(filter.owner);
    query = query.where((eb) =>
      eb(
        'devices.serial_number',
        'in',
        eb
          .selectFrom('dep_devices')
          .select('dep_devices.serial_number')
          .where('dep_devices.owner', 'ilike', pattern),
      ),
    );
  }
  if (filter.label) {
    const label = filter.label;
    query = query.where((eb) =>
      eb(
        'devices.id',
        'in',
        eb
          .selectFrom('device_labels')
          .select('device_labels.device_id')
          .where('device_labels.label', '=', label),
      ),
    );
  }
  if (filter.teamId) {
    const teamId = filter.teamId;
    query = query.where((eb) =>
      eb(
        'devices.id',
        'in',
        eb
          .selectFrom('device_teams')
          .select('device_teams.device_id')
          .where('device_teams.team_id', '=', teamId),
      ),
    );
  }
  return query.execute();
}

export async function findDevice(
  db: Kysely<CoreDatabase>,
  id: string,
  scope: Scope,
): Promise<Device | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('devices').selectAll().where('id', '=', id).where(inScope(scope)).executeTakeFirst();
}

export async function countPendingCommands(db: Kysely<CoreDatabase>, deviceId: string): Promise<number> {
  const row = await db
    .selectFrom('device_commands')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('device_id', '=', deviceId)
    .where('status', 'in', PENDING_STATUSES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
