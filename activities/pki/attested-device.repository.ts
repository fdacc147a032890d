// Which enrollment an attested device's identity is for: a device Keep already manages (by serial number or
// UDID), or one Apple Business Manager assigned to Keep with a zero-touch enrollment waiting for it.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';

export interface ExpectedDevice {
  enrollmentId: string;
  deviceId?: string;
}

export async function findExpectedDevice(
  db: Kysely<CoreDatabase>,
  attested: { serialNumber?: string; udid?: string },
): Promise<ExpectedDevice | undefined> {
  const { serialNumber, udid } = attested;
  if (!serialNumber && !udid) return undefined;
  const managed = await db
    .selectFrom('devices')
    .select(['id', 'enrollment_id'])
    .where('platform', '=', 'apple')
    .where('enrollment_id', 'is not', null)
    .where('enrollment_status', '<>', 'checked-out')
    .where((eb) =>
      eb.or([
        ...(serialNumber ? [eb('serial_number', '=', serialNumber)] : []),
        ...(udid ? [eb('udid', '=', udid)] : []),
      ]),
    )
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  if (managed) return { enrollmentId: managed.enrollment_id!, deviceId: managed.id };
  if (!serialNumber) return undefined;
  const staged = await db
    .selectFrom('dep_devices')
    .innerJoin('zero_touch_enrollments', 'zero_touch_enrollments.dep_device_id', 'dep_devices.id')
    .select(['zero_touch_enrollments.enrollment_id', 'zero_touch_enrollments.device_id'])
    .where('dep_devices.serial_number', '=', serialNumber)
    .where('dep_devices.removed_at', 'is', null)
    .where('zero_touch_enrollments.status', '<>', 'failed')
    .orderBy('zero_touch_enrollments.created_at', 'desc')
    .executeTakeFirst();
  if (!staged) return undefined;
  return { enrollmentId: staged.enrollment_id, ...(staged.device_id ? { deviceId: staged.device_id } : {}) };
}
