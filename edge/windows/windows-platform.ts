// Windows at the edge: MS-MDE2 enrolment, the OMA-DM management endpoint, its command queue and WNS pushes.
import { readFileSync } from 'node:fs';
import { coreSealingRecipient } from '../core-sealing-key.js';
import type { EdgePlatform, EdgePlatformDeps, StartedEdgePlatform } from '../platform.js';
import { createCredentialThrottle } from './credential-throttle.js';
import { windowsEnrollmentRoutes } from './enrollment.routes.js';
import { federatedSignInRoutes, signInUrl } from './federated-sign-in.routes.js';
import { windowsManagementRoutes } from './management.routes.js';
import { createWnsClient, type WnsClient } from './push/wns-client.js';
import { enqueueWindowsBulk, enqueueWindowsCommands } from './windows.activities.js';
import { startWindowsRetention } from './windows-retention.js';

/** Five wrong passwords per user name in 15 minutes: under AD's usual lockout threshold of ten. */
const THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000 };
/** The core checks the password with the directory and signs the CSR within this, or the PC is told to retry. */
const CORE_TIMEOUT_MS = 20_000;

/** WNS when its settings are complete; a partial configuration is a start-up error, not a silent poll. */
function wnsFrom(settings: EdgePlatformDeps['settings']): WnsClient | undefined {
  const { wnsClientId, wnsClientSecret, wnsPackageFamilyName } = settings;
  if (!wnsClientId && !wnsClientSecret && !wnsPackageFamilyName) return undefined;
  if (!wnsClientId || !wnsClientSecret || !wnsPackageFamilyName)
    throw new TypeError('edge.wnsClientId, edge.wnsClientSecret and edge.wnsPackageFamilyName go together');
  return createWnsClient({
    clientId: wnsClientId,
    clientSecret: wnsClientSecret,
    tokenUrl: settings.wnsTokenUrl,
    channelHosts: settings.wnsChannelHosts,
    ...(settings.wnsCaFile ? { ca: readFileSync(settings.wnsCaFile, 'utf8') } : {}),
  });
}

export function startWindowsEdge(deps: EdgePlatformDeps): StartedEdgePlatform {
  const { db, settings } = deps;
  const wns = wnsFrom(settings);
  const retention = startWindowsRetention(db, settings.commandRetentionHours, deps.log);
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
      federatedSignInUrl: settings.windowsFederated ? signInUrl(settings.publicUrl) : undefined,
    })
      .route(
        '/',
        federatedSignInRoutes({
          temporal: deps.temporal,
          coreTaskQueue: settings.coreTaskQueue,
          log: deps.log,
          publicUrl: settings.publicUrl,
          timeoutMs: CORE_TIMEOUT_MS,
          enabled: settings.windowsFederated,
        }),
      )
      .route(
        '/',
        windowsManagementRoutes({
          db,
          identity: {
            trust: deps.trust.trust,
            isRevoked: deps.trust.isRevoked,
            trustedProxies: settings.trustedProxies,
          },
          onOutbox: deps.onOutbox,
          session: {
            pushPackageFamilyName: wns ? settings.wnsPackageFamilyName : undefined,
            keyRing: deps.keyRing,
            coreRecipient: () =>
              coreSealingRecipient({
                temporal: deps.temporal,
                coreTaskQueue: settings.coreTaskQueue,
                timeoutMs: CORE_TIMEOUT_MS,
              }),
          },
        }),
      ),
    activities: {},
    enqueueCommands: (input) => enqueueWindowsCommands(db, deps.keyRing, wns, input),
    enqueueBulk: (input) => enqueueWindowsBulk(db, deps.keyRing, wns, input),
    close: () => {
      retention.stop();
      return Promise.resolve();
    },
  };
}

export const windowsEdgePlatform: EdgePlatform = { id: 'windows', start: startWindowsEdge };
