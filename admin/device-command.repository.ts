// Reads of core.device_commands: what was sent to a device and the protocol's own answer.
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { DeviceCommand } from '../core/db/core/device-command.table.js';

/** `created_at` as Postgres text too, so a cursor keeps the microseconds a JS Date would lose. */
export type DeviceCommandRow = DeviceCommand & { created_key: string };

export interface CommandFilter {
  limit: number;
  /** Commands older than this `[created_key, command_uuid]`. */
  before?: readonly [string, string] | undefined;
}

export async function listDeviceCommands(
  db: Kysely<CoreDatabase>,
  deviceId: string,
  filter: CommandFilter,
): Promise<DeviceCommandRow[]> {
  let query = db
    .selectFrom('device_commands')
    .selectAll()
    .select(sql<string>`created_at::text`.as('created_key'))
    .where('device_id', '=', deviceId)
    .orderBy('created_at', 'desc')
    .orderBy('command_uuid', 'desc')
    .limit(filter.limit);
  if (filter.before) {
    const [createdKey, uuid] = filter.before;
    query = query.where(sql<boolean>`(created_at, command_uuid) < (${createdKey}::timestamptz, ${uuid})`);
  }
  return query.execute();
}

export async function findDeviceCommand(
  db: Kysely<CoreDatabase>,
  deviceId: string,
  commandUuid: string,
): Promise<DeviceCommand | undefined> {
  return db
    .selectFrom('device_commands')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('command_uuid', '=', commandUuid)
    .executeTakeFirst();
}
