// The OMA-DM management endpoint: a PC's sessions, authenticated by the identity certificate issued at its
// enrolment (mTLS, or the RFC 9440 header from a trusted proxy) and bound to that enrolment.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import {
  decodeSyncML,
  encodeSyncML,
  SYNCML_CONTENT_TYPE,
  WindowsProtocolError,
  type SyncMLMessage,
} from '../../core/windows/index.js';
import {
  deviceIdentity,
  type DeviceIdentityEnv,
  type DeviceIdentityOptions,
} from '../apple/device-identity.js';
import { DeviceRefusal, fingerprintPrefix } from '../errors.js';
import { WINDOWS_PATHS } from './enrollment.routes.js';
import { handleSyncMLMessage, type SessionOptions } from './syncml-session.js';
import { findWindowsEnrollment } from './windows-enrollment.repository.js';

export interface WindowsManagementDeps {
  db: Kysely<EdgeDatabase>;
  identity: DeviceIdentityOptions;
  onOutbox: () => void;
  session: SessionOptions;
}

export function windowsManagementRoutes(deps: WindowsManagementDeps) {
  return new Hono<DeviceIdentityEnv>().post(
    WINDOWS_PATHS.management,
    deviceIdentity(deps.identity),
    async (c) => {
      const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== SYNCML_CONTENT_TYPE)
        throw new HTTPException(415, { message: `expected Content-Type ${SYNCML_CONTENT_TYPE}` });
      const { certificate, enrollmentId, body } = c.get('device');
      let received: SyncMLMessage;
      try {
        received = decodeSyncML(body);
      } catch (error) {
        if (!(error instanceof WindowsProtocolError)) throw error;
        throw new HTTPException(400, { message: `malformed SyncML: ${error.message}`, cause: error });
      }
      const subject = fingerprintPrefix(certificate.sha256);
      const enrollment = await findWindowsEnrollment(deps.db, enrollmentId);
      if (!enrollment || enrollment.status !== 'enrolled')
        throw new DeviceRefusal(403, 'not-enrolled', subject, 'not enrolled: enrol this PC first');
      if (enrollment.cert_fingerprint !== certificate.sha256)
        throw new DeviceRefusal(
          403,
          'unbound-certificate',
          enrollment.id,
          'certificate is not the one bound to this enrolment',
        );
      // The certificate speaks for one PC: a session naming another DeviceID is not its own.
      if (received.header.source !== enrollment.hardware_id)
        throw new DeviceRefusal(
          403,
          'wrong-device',
          enrollment.id,
          'SyncHdr Source is not the enrolled device',
        );
      const reply = await handleSyncMLMessage(deps.db, enrollment, received, deps.session);
      deps.onOutbox();
      const answer = Buffer.from(encodeSyncML(reply), 'utf8');
      return c.body(answer, 200, {
        'Content-Type': SYNCML_CONTENT_TYPE,
        'Content-Length': String(answer.length),
      });
    },
  );
}
