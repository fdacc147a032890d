// Device labels in core.device_labels: put, taken off, and counted over the devices a caller may see.
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { Scope } from './auth/rbac.js';
import { inScope } from './device.repository.js';

/** Idempotent: a label already on the device stays as it was. */
export async function addDeviceLabel(
  db: Kysely<CoreDatabase>,
  deviceId: string,
  label: string,
): Promise<void> {
  await db
    .insertInto('device_labels')
    .values({ device_id: deviceId, label })
    .onConflict((oc) => oc.columns(['device_id', 'label']).doNothing())
    .execute();
}

/** Whether the device carried the label. */
export async function removeDeviceLabel(
  db: Kysely<CoreDatabase>,
  deviceId: string,
  label: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('device_labels')
    .where('device_id', '=', deviceId)
    .where('label', '=', label)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Each label with the number of devices in scope carrying it, by name. */
export async function listLabels(
  db: Kysely<CoreDatabase>,
  scope: Scope,
): Promise<Array<{ label: string; devices: number }>> {
  const rows = await db
    .selectFrom('device_labels')
    .innerJoin('devices', 'devices.id', 'device_labels.device_id')
    .where(inScope(scope))
    .select(['device_labels.label', sql<string>`count(*)`.as('n')])
    .groupBy('device_labels.label')
    .orderBy('device_labels.label')
    .execute();
  return rows.map((row) => ({ label: row.label, devices: Number(row.n) }));
}
