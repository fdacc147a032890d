// An Apple MDM enrollment (table `apple_enrollments`) as the edge knows it: how to route, authenticate and wake one device channel.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface AppleEnrollmentTable {
  /** Keep's opaque enrollment id; the only id that crosses into Temporal. */
  id: string;
  /** Keep's opaque device id (the device workflow is `device-<device_id>`). */
  device_id: string;
  /** Apple's UDID, or the EnrollmentID of a User Enrollment: the routing key of every request. */
  udid: string;
  kind: 'device' | 'user-enrollment';
  /** SHA-256 of the identity certificate bound at the first Authenticate; other certificates are refused. */
  cert_fingerprint: string;
  topic: string | null;
  push_token: Buffer | null;
  push_magic: string | null;
  /** Set when APNs answered 410 Unregistered; cleared by a newer TokenUpdate. */
  push_disabled_at: Date | null;
  status: 'authenticated' | 'enrolled' | 'checked-out';
  created_at: Generated<Date>;
  last_seen_at: ColumnType<Date, Date | undefined, Date>;
}

export type AppleEnrollment = Selectable<AppleEnrollmentTable>;
export type NewAppleEnrollment = Insertable<AppleEnrollmentTable>;
export type AppleEnrollmentUpdate = Updateable<AppleEnrollmentTable>;
