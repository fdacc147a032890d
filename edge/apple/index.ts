// Apple MDM at the edge: the check-in and command endpoints, mounted by the edge app.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import { checkinRoutes, type CheckinDeps } from './checkin.routes.js';
import { coreSealingRecipient } from '../core-sealing-key.js';
import { connectRoutes } from './connect.routes.js';
import { depEnrollRoutes } from './dep-enroll.routes.js';
import { profileRoutes } from './profile.routes.js';
import { depSignInRoutes } from './dep-sign-in.routes.js';
import { accountEnrollmentRoutes } from './account-enrollment.routes.js';
import type { Logger } from '../../core/log/logger.js';
import type { TrustStore } from '../../core/cms/index.js';

export type AppleRoutesDeps = CheckinDeps & {
  /** The edge key ring: command bodies are sealed with it at rest. */
  keyRing: KeyRing;
  /** `edge.maxCheckinBodyBytes`: a check-in is small, so it gets a tighter cap than the edge's default. */
  maxCheckinBodyBytes: number;
  /** `edge.publicUrl`: where the ADE sign-in's callback is. */
  publicUrl: string;
  log: Logger;
  /** `edge.appleAccountEnrollment`: account-driven enrolment is offered. */
  accountEnrollment: boolean;
  /** `edge.appleDeviceCaFile`: the roots a MachineInfo signer must chain to; absent = not checked. */
  machineInfoCa?: TrustStore;
};

/** The core admits the device and checks the sign-in within this, or the web view is told to retry. */
const SIGN_IN_TIMEOUT_MS = 20_000;

export function appleRoutes(deps: AppleRoutesDeps) {
  return new Hono()
    .use(
      '/mdm/checkin',
      bodyLimit({
        maxSize: deps.maxCheckinBodyBytes,
        onError: (c) => c.text('request body too large', 413),
      }),
    )
    .route('/', checkinRoutes(deps))
    .route(
      '/',
      connectRoutes({
        ...deps,
        coreRecipient: () =>
          coreSealingRecipient({
            temporal: deps.temporal,
            coreTaskQueue: deps.coreTaskQueue,
            timeoutMs: deps.temporalTimeoutMs,
          }),
      }),
    )
    .route('/', depEnrollRoutes(deps))
    .route('/', profileRoutes(deps))
    .route('/', depSignInRoutes({ ...deps, timeoutMs: SIGN_IN_TIMEOUT_MS }))
    .route(
      '/',
      accountEnrollmentRoutes({ ...deps, timeoutMs: SIGN_IN_TIMEOUT_MS, enabled: deps.accountEnrollment }),
    );
}
