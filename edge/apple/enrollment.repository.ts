// Enrollments at the edge: binding an identity certificate to a UDID, push tokens, check-out.
import type { Kysely, Transaction } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { Enrollment } from '../../core/db/edge/enrollment.table.js';

type Db = Kysely<EdgeDatabase> | Transaction<EdgeDatabase>;

export function findEnrollmentByUdid(db: Db, udid: string): Promise<Enrollment | undefined> {
  return db.selectFrom('enrollments').selectAll().where('udid', '=', udid).executeTakeFirst();
}

export function findEnrollmentByCertificate(db: Db, fingerprint: string): Promise<Enrollment | undefined> {
  return db
    .selectFrom('enrollments')
    .selectAll()
    .where('cert_fingerprint', '=', fingerprint)
    .executeTakeFirst();
}

export function findEnrollmentsByIds(db: Db, ids: readonly string[]): Promise<Enrollment[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('enrollments').selectAll().where('id', 'in', ids).execute();
}

export interface AuthenticateBinding {
  udid: string;
  kind: Enrollment['kind'];
  fingerprint: string;
  topic: string;
  /** Used only when this UDID has never enrolled. */
  newIds: { enrollmentId: string; deviceId: string };
}

/**
 * Binds (or, on re-enrollment, re-binds) a UDID to the certificate that signed its Authenticate.
 * The device id survives re-enrollment, so the device keeps its history and its workflow.
 */
export async function bindOnAuthenticate(db: Db, binding: AuthenticateBinding): Promise<Enrollment> {
  return db
    .insertInto('enrollments')
    .values({
      id: binding.newIds.enrollmentId,
      device_id: binding.newIds.deviceId,
      udid: binding.udid,
      kind: binding.kind,
      cert_fingerprint: binding.fingerprint,
      topic: binding.topic,
      status: 'authenticated',
      last_seen_at: new Date(),
    })
    .onConflict((oc) =>
      oc.column('udid').doUpdateSet({
        cert_fingerprint: binding.fingerprint,
        topic: binding.topic,
        status: 'authenticated',
        push_token: null,
        push_magic: null,
        push_disabled_at: null,
        last_seen_at: new Date(),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updatePushToken(
  db: Db,
  enrollmentId: string,
  token: { topic: string; pushToken: Buffer; pushMagic: string },
): Promise<void> {
  await db
    .updateTable('enrollments')
    .set({
      topic: token.topic,
      push_token: token.pushToken,
      push_magic: token.pushMagic,
      push_disabled_at: null,
      status: 'enrolled',
      last_seen_at: new Date(),
    })
    .where('id', '=', enrollmentId)
    .execute();
}

export async function markCheckedOut(db: Db, enrollmentId: string): Promise<void> {
  await db
    .updateTable('enrollments')
    .set({ status: 'checked-out', push_token: null, push_magic: null, last_seen_at: new Date() })
    .where('id', '=', enrollmentId)
    .execute();
}

/** APNs said 410: stop pushing this token until the device sends a newer TokenUpdate. */
export async function disablePush(db: Db, enrollmentId: string, token: Buffer, at: Date): Promise<void> {
  await db
    .updateTable('enrollments')
    .set({ push_disabled_at: at })
    .where('id', '=', enrollmentId)
    .where('push_token', '=', token)
    .execute();
}
