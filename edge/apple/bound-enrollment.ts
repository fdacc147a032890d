// Middleware (NanoMDM's certauth idea): every device message but Authenticate must come from the certificate bound
// to its enrollment. The renewal of that certificate is adopted on first use, with an event that revokes the old one.
import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { AppleEnrollment as Enrollment } from '../../core/db/edge/apple-enrollment.table.js';
import { DeviceRefusal, fingerprintPrefix } from '../errors.js';
import { findEnrollmentByUdid, rebindToRenewal } from './enrollment.repository.js';
import { addToOutbox } from './apple-outbox.js';
import type { DeviceMessageEnv } from './parse-device-body.js';

export type BoundEnrollmentEnv<M> = DeviceMessageEnv<M> & { Variables: { enrollment: Enrollment } };

export interface BoundEnrollmentDeps {
  db: Kysely<EdgeDatabase>;
  onOutbox?: () => void;
}

/**
 * `routingIdOf` names the UDID (or User Enrollment id) a message is for, or undefined for Authenticate,
 * whose binding rules are authenticate-binding.ts.
 */
export function boundEnrollment<M>(
  deps: BoundEnrollmentDeps,
  routingIdOf: (message: M) => string | undefined,
): MiddlewareHandler<BoundEnrollmentEnv<M>> {
  return async function requireBoundEnrollment(c, next) {
    const udid = routingIdOf(c.get('message'));
    if (udid === undefined) return next();
    const { certificate, enrollmentId } = c.get('device');
    const enrollment = await findEnrollmentByUdid(deps.db, udid);
    if (!enrollment || enrollment.status === 'checked-out') {
      throw new DeviceRefusal(
        403,
        'not-enrolled',
        fingerprintPrefix(certificate.sha256),
        'not enrolled: send Authenticate first',
      );
    }
    if (enrollment.cert_fingerprint !== certificate.sha256) {
      const renewed =
        enrollmentId === enrollment.id &&
        (await deps.db.transaction().execute(async (tx) => {
          if (!(await rebindToRenewal(tx, enrollment, certificate.sha256))) return false;
          await addToOutbox(tx, enrollment.device_id, {
            kind: 'identity-renewed',
            enrollmentId: enrollment.id,
            at: new Date().toISOString(),
            previousFingerprint: enrollment.cert_fingerprint,
          });
          return true;
        }));
      if (!renewed) {
        throw new DeviceRefusal(
          403,
          'unbound-certificate',
          enrollment.id,
          'identity certificate is not the one bound to this enrollment',
        );
      }
      deps.onOutbox?.();
    }
    c.set('enrollment', { ...enrollment, cert_fingerprint: certificate.sha256 });
    await next();
  };
}
