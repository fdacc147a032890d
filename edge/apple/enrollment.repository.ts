// Enrollments at the edge: binding an identity certificate to a UDID, push tokens, check-out.
import type { Kysely, Transaction } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { AppleEnrollment as Enrollment } from '../../core/db/edge/apple-enrollment.table.js';
import { DeviceRefusal } from '../errors.js';

/** Postgres' unique_violation. */
const UNIQUE_VIOLATION = '23505';

type Db = Kysely<EdgeDatabase> | Transaction<EdgeDatabase>;

export function findEnrollmentByUdid(db: Db, udid: string): Promise<Enrollment | undefined> {
  return db.selectFrom('apple_enrollments').selectAll().where('udid', '=', udid).executeTakeFirst();
}

export function findEnrollmentByCertificate(db: Db, fingerprint: string): Promise<Enrollment | undefined> {
  return db
    .selectFrom('apple_enrollments')
    .selectAll()
    .where('cert_fingerprint', '=', fingerprint)
    .executeTakeFirst();
}

export function findEnrollmentsByIds(db: Db, ids: readonly string[]): Promise<Enrollment[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('apple_enrollments').selectAll().where('id', 'in', ids).execute();
}

export function findEnrollmentById(db: Db, id: string): Promise<Enrollment | undefined> {
  return db.selectFrom('apple_enrollments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What the edge recorded when it handed out an identity: its enrollment, and the certificate it renews. */
export function findIssuedIdentity(db: Db, fingerprint: string) {
  return db
    .selectFrom('issued_identities')
    .select(['enrollment_id', 'renewal_of'])
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
}

export interface AuthenticateBinding {
  udid: string;
  kind: Enrollment['kind'];
  fingerprint: string;
  topic: string;
  /** The enrollment the certificate names; replaces the row's id on re-enrollment after check-out. */
  enrollmentId: string;
  /** Used only when this UDID has never enrolled. */
  newDeviceId: string;
  /** On re-enrollment: the checked-out enrollment this one replaces (its stale queue goes). */
  replaces?: string;
}

/**
 * Binds (or, on re-enrollment, re-binds) a UDID to the certificate that signed its Authenticate; the rules
 * that decide whether it may are in authenticate-binding.ts. The device id survives re-enrollment, so the
 * device keeps its history and its workflow.
 */
export async function bindOnAuthenticate(db: Db, binding: AuthenticateBinding): Promise<Enrollment> {
  if (binding.replaces) await forgetEnrollmentState(db, binding.replaces);
  return bindRow(db, binding).catch((error: unknown) => {
    // Two Authenticates naming one enrollment from two UDIDs at once: the loser is refused like any other
    // claim on an enrollment another device holds, not answered with a 500.
    if ((error as { code?: string }).code === UNIQUE_VIOLATION)
      throw new DeviceRefusal(
        403,
        'enrollment-of-another-device',
        binding.enrollmentId,
        'identity certificate is bound to another device',
        { cause: error },
      );
    throw error;
  });
}

/**
 * What a checked-out enrollment left at the edge: its stale queue, and the rows that name its id (the declaration
 * set, declared profiles, user channels). They reference the id the re-enrollment replaces, so they go first; the
 * core sends the new enrollment its own once it authenticates.
 */
async function forgetEnrollmentState(db: Db, enrollmentId: string): Promise<void> {
  for (const table of [
    'command_queue',
    'apple_declaration_sets',
    'apple_declaration_profiles',
    'apple_user_channels',
  ] as const)
    await db.deleteFrom(table).where('enrollment_id', '=', enrollmentId).execute();
}

function bindRow(db: Db, binding: AuthenticateBinding): Promise<Enrollment> {
  return db
    .insertInto('apple_enrollments')
    .values({
      id: binding.enrollmentId,
      device_id: binding.newDeviceId,
      udid: binding.udid,
      kind: binding.kind,
      cert_fingerprint: binding.fingerprint,
      topic: binding.topic,
      status: 'authenticated',
      last_seen_at: new Date(),
    })
    .onConflict((oc) =>
      oc.column('udid').doUpdateSet({
        id: binding.enrollmentId,
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

/**
 * Moves an enrollment from its bound certificate to the renewal of it; false when `fingerprint` is not that
 * renewal, or another request moved it first.
 */
export async function rebindToRenewal(db: Db, enrollment: Enrollment, fingerprint: string): Promise<boolean> {
  const issued = await findIssuedIdentity(db, fingerprint);
  if (!issued || issued.renewal_of !== enrollment.cert_fingerprint || issued.enrollment_id !== enrollment.id)
    return false;
  const moved = await db
    .updateTable('apple_enrollments')
    .set({ cert_fingerprint: fingerprint, last_seen_at: new Date() })
    .where('id', '=', enrollment.id)
    .where('cert_fingerprint', '=', enrollment.cert_fingerprint)
    .executeTakeFirst();
  return moved.numUpdatedRows === 1n;
}

export async function updatePushToken(
  db: Db,
  enrollmentId: string,
  token: { topic: string; pushToken: Buffer; pushMagic: string },
): Promise<void> {
  await db
    .updateTable('apple_enrollments')
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
    .updateTable('apple_enrollments')
    .set({ status: 'checked-out', push_token: null, push_magic: null, last_seen_at: new Date() })
    .where('id', '=', enrollmentId)
    .execute();
}

/** APNs said 410: stop pushing this token until the device sends a newer TokenUpdate. */
export async function disablePush(db: Db, enrollmentId: string, token: Buffer, at: Date): Promise<void> {
  await db
    .updateTable('apple_enrollments')
    .set({ push_disabled_at: at })
    .where('id', '=', enrollmentId)
    .where('push_token', '=', token)
    .execute();
}
