// Apple MDM at the edge: the check-in and command endpoints, mounted by the edge app.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import { checkinRoutes, type CheckinDeps } from './checkin.routes.js';
import { coreSealingRecipient } from '../core-sealing-key.js';
import { connectRoutes } from './connect.routes.js';
import { depEnrollRoutes } from './dep-enroll.routes.js';

export type AppleRoutesDeps = CheckinDeps & {
  /** The edge key ring: command bodies are sealed with it at rest. */
  keyRing: KeyRing;
  /** `edge.maxCheckinBodyBytes`: a check-in is small, so it gets a tighter cap than the edge's default. */
  maxCheckinBodyBytes: number;
};

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
    .route('/', depEnrollRoutes(deps));
}
