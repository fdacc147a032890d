// Windows enrolments at the edge: opened when the core issued the identity, bound to that certificate.
import type { Kysely, Transaction } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { WindowsEnrollment } from '../../core/db/edge/windows.table.js';

type Db = Kysely<EdgeDatabase> | Transaction<EdgeDatabase>;

export function findWindowsEnrollment(db: Db, id: string): Promise<WindowsEnrollment | undefined> {
  return db.selectFrom('windows_enrollments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The Keep id of a PC that enrolled before, so that it enrols again as the same device. */
export async function deviceIdOfHardware(db: Db, hardwareId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('windows_enrollments')
    .select('device_id')
    .where('hardware_id', '=', hardwareId)
    .executeTakeFirst();
  return row?.device_id;
}

/**
 * The PC's enrolment becomes `enrollment`: a PC enrolling again replaces its earlier enrolment (and with it
 * the earlier certificate's binding and queue), since the user proved their credential for it just now.
 */
export async function bindWindowsEnrollment(
  tx: Transaction<EdgeDatabase>,
  enrollment: { id: string; deviceId: string; hardwareId: string; fingerprint: string },
): Promise<{ replaced?: string }> {
  const earlier = await tx
    .deleteFrom('windows_enrollments')
    .where('hardware_id', '=', enrollment.hardwareId)
    .where('id', '<>', enrollment.id)
    .returning('id')
    .executeTakeFirst();
  await tx
    .insertInto('windows_enrollments')
    .values({
      id: enrollment.id,
      device_id: enrollment.deviceId,
      hardware_id: enrollment.hardwareId,
      cert_fingerprint: enrollment.fingerprint,
      status: 'enrolled',
      first_session_at: null,
      last_seen_at: null,
      push_channel_uri: null,
      push_expired_at: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return earlier ? { replaced: earlier.id } : {};
}

/** Marks a session seen; true the first time (the management channel works from now on). */
export async function recordSession(db: Db, id: string, at: Date): Promise<boolean> {
  const first = await db
    .updateTable('windows_enrollments')
    .set({ first_session_at: at, last_seen_at: at })
    .where('id', '=', id)
    .where('first_session_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (first) return true;
  await db.updateTable('windows_enrollments').set({ last_seen_at: at }).where('id', '=', id).execute();
  return false;
}

export async function markUnenrolled(db: Db, id: string): Promise<boolean> {
  const row = await db
    .updateTable('windows_enrollments')
    .set({ status: 'unenrolled' })
    .where('id', '=', id)
    .where('status', '=', 'enrolled')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The channel the PC reported, or null when WNS said it expired (the PC reports a new one at its next session). */
export async function savePushChannel(db: Db, id: string, channelUri: string | null): Promise<void> {
  await db
    .updateTable('windows_enrollments')
    .set({ push_channel_uri: channelUri, push_expired_at: channelUri === null ? new Date() : null })
    .where('id', '=', id)
    .execute();
}

/**
 * Locks the enrolment for the rest of the transaction. A session message and a new command take it, so a
 * command is either in the queue the session reads or sees the push channel that session saved: never neither.
 */
export async function lockWindowsEnrollment(
  tx: Transaction<EdgeDatabase>,
  id: string,
): Promise<{ push_channel_uri: string | null } | undefined> {
  return tx
    .selectFrom('windows_enrollments')
    .select('push_channel_uri')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}
