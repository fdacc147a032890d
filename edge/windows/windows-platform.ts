// Windows at the edge: MS-MDE2 enrolment, the OMA-DM management endpoint and its command queue.
import type { EdgePlatform, EdgePlatformDeps, StartedEdgePlatform } from '../platform.js';
import { createCredentialThrottle } from './credential-throttle.js';
import { windowsEnrollmentRoutes } from './enrollment.routes.js';
import { windowsManagementRoutes } from './management.routes.js';
import { enqueueWindowsCommands } from './windows.activities.js';

/** Five wrong passwords per user name in 15 minutes: under AD's usual lockout threshold of ten. */
const THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000 };
/** The core checks the password with the directory and signs the CSR within this, or the PC is told to retry. */
const CORE_TIMEOUT_MS = 20_000;

export function startWindowsEdge(deps: EdgePlatformDeps): StartedEdgePlatform {
  const { db, settings } = deps;
  return {
    routes: windowsEnrollmentRoutes({
      db,
      temporal: deps.temporal,
      coreTaskQueue: settings.coreTaskQueue,
      trust: deps.trust,
      throttle: createCredentialThrottle(THROTTLE),
      log: deps.log,
      onOutbox: deps.onOutbox,
      timeoutMs: CORE_TIMEOUT_MS,
    }).route(
      '/',
      windowsManagementRoutes({
        db,
        identity: {
          trust: deps.trust.trust,
          isRevoked: deps.trust.isRevoked,
          trustedProxies: settings.trustedProxies,
        },
        onOutbox: deps.onOutbox,
      }),
    ),
    activities: {},
    enqueueCommands: (input) => enqueueWindowsCommands(db, input),
    close: () => Promise.resolve(),
  };
}

export const windowsEdgePlatform: EdgePlatform = { id: 'windows', start: startWindowsEdge };
