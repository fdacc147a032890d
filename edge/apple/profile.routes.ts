// GET /mdm/profiles/<identifier>.mobileconfig — the signed profile a `com.apple.configuration.legacy` declaration
// points the device at. Only the enrollment's own device, over its bound identity (Mdm-Signature over the empty
// body, or its client certificate), gets it: the profile may carry a Wi-Fi password or a SCEP challenge.
// https://developer.apple.com/documentation/devicemanagement/legacyprofile
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { DeviceRefusal, fingerprintPrefix } from '../errors.js';
import { declarationProfile } from './declaration-profiles.js';
import { deviceIdentity, type DeviceIdentityEnv, type DeviceIdentityOptions } from './device-identity.js';
import { findEnrollmentById } from './enrollment.repository.js';

export interface ProfileRoutesDeps {
  db: Kysely<EdgeDatabase>;
  identity: DeviceIdentityOptions;
  /** Opens the profiles sealed at rest. */
  keyRing: KeyRing;
}

const SUFFIX = '.mobileconfig';

export function profileRoutes(deps: ProfileRoutesDeps) {
  return new Hono<DeviceIdentityEnv>().get(
    '/mdm/profiles/:file',
    deviceIdentity(deps.identity),
    async function serveDeclarationProfile(c) {
      const { certificate, enrollmentId } = c.get('device');
      const enrollment = await findEnrollmentById(deps.db, enrollmentId);
      // A renewed identity is adopted at the device's next check-in; until then the bound one is the key.
      if (
        !enrollment ||
        enrollment.status === 'checked-out' ||
        enrollment.cert_fingerprint !== certificate.sha256
      )
        throw new DeviceRefusal(
          403,
          'unbound-certificate',
          fingerprintPrefix(certificate.sha256),
          'identity certificate is not the one bound to an enrollment',
        );
      const file = c.req.param('file');
      if (!file.endsWith(SUFFIX))
        throw new DeviceRefusal(404, 'no-profile', enrollment.id, `profile URLs end in ${SUFFIX}`);
      const profile = await declarationProfile(
        deps.db,
        deps.keyRing,
        enrollment.id,
        file.slice(0, -SUFFIX.length),
      );
      if (!profile)
        throw new DeviceRefusal(404, 'no-profile', enrollment.id, 'no such profile for this enrollment');
      c.header('Content-Type', 'application/x-apple-aspen-config');
      c.header('Cache-Control', 'no-store');
      return c.body(new Uint8Array(profile));
    },
  );
}
