// Who may Authenticate as a UDID: the one place that decides whether a certificate binds to a device channel.
// The enrollment a certificate speaks for is the one its SAN names (device-identity.ts); a refusal changes nothing.
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { AppleEnrollment as Enrollment } from '../../core/db/edge/apple-enrollment.table.js';
import { DeviceRefusal, fingerprintPrefix } from '../errors.js';
import { findEnrollmentById, findEnrollmentByUdid, findIssuedIdentity } from './enrollment.repository.js';

export interface AuthenticateClaim {
  udid: string;
  /** From the certificate's SAN. */
  enrollmentId: string;
  fingerprint: string;
}

export interface AuthenticateGrant {
  /** The row this UDID has now, if any. */
  existing: Enrollment | undefined;
  /** On re-enrollment after check-out: the enrollment being replaced. */
  replaces?: string;
  /** When the certificate is the renewal of the one bound: that one's fingerprint, to revoke. */
  renews?: string;
}

/**
 * - a new UDID binds to a certificate whose enrollment no other UDID holds;
 * - an enrolled UDID accepts only a certificate of its own enrollment (a renewal, or the same one again);
 * - a checked-out UDID accepts a fresh enrollment (re-enrollment from a new profile);
 * - a certificate whose enrollment another UDID holds is refused.
 */
export async function authorizeAuthenticate(
  db: Kysely<EdgeDatabase>,
  claim: AuthenticateClaim,
): Promise<AuthenticateGrant> {
  const subject = fingerprintPrefix(claim.fingerprint);
  const issued = await findIssuedIdentity(db, claim.fingerprint);
  if (issued?.enrollment_id && issued.enrollment_id !== claim.enrollmentId)
    throw new DeviceRefusal(
      403,
      'enrollment-mismatch',
      subject,
      'identity certificate names another enrollment',
    );
  const holder = await findEnrollmentById(db, claim.enrollmentId);
  if (holder && holder.udid !== claim.udid)
    throw new DeviceRefusal(
      403,
      'enrollment-of-another-device',
      holder.id,
      'identity certificate is bound to another device',
    );
  const existing = await findEnrollmentByUdid(db, claim.udid);
  if (!existing) return { existing };
  if (existing.id === claim.enrollmentId) {
    const renews =
      issued?.renewal_of && issued.renewal_of === existing.cert_fingerprint ? issued.renewal_of : undefined;
    return { existing, ...(renews ? { renews } : {}) };
  }
  if (existing.status === 'checked-out') return { existing, replaces: existing.id };
  throw new DeviceRefusal(
    403,
    'udid-enrolled-elsewhere',
    existing.id,
    'this device is enrolled with another identity certificate',
  );
}
