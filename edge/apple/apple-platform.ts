// Apple at the edge: the MDM check-in and command endpoints, the APNs push service, the command queue.
import { readFileSync } from 'node:fs';
import type { EdgePlatform, EdgePlatformDeps, StartedEdgePlatform } from '../platform.js';
import { createAppleEdgeActivities, enqueueAppleBulk, enqueueAppleCommands } from './apple.activities.js';
import { appleDeviceCaTrust } from './apple-device-ca.js';
import { appleRoutes } from './index.js';
import { createPushService, type PushService } from './push-service.js';

export interface StartedAppleEdge extends StartedEdgePlatform {
  push: PushService;
}

export function startAppleEdge(deps: EdgePlatformDeps): StartedAppleEdge {
  const { db, settings } = deps;
  const push = createPushService({
    db,
    keyRing: deps.keyRing,
    apnsUrl: settings.apnsUrl,
    log: deps.log,
    ...(settings.apnsCaFile ? { extraCaPem: readFileSync(settings.apnsCaFile, 'utf8') } : {}),
  });
  return {
    push,
    routes: appleRoutes({
      db,
      temporal: deps.temporal,
      coreTaskQueue: settings.coreTaskQueue,
      edgeTaskQueue: settings.taskQueue,
      identity: {
        trust: deps.trust.trust,
        isRevoked: deps.trust.isRevoked,
        trustedProxies: settings.trustedProxies,
      },
      onOutbox: deps.onOutbox,
      keyRing: deps.keyRing,
      maxCheckinBodyBytes: settings.maxCheckinBodyBytes,
      publicUrl: settings.publicUrl,
      log: deps.log,
      accountEnrollment: settings.appleAccountEnrollment,
      ...(settings.appleDeviceCaFile
        ? {
            machineInfoCa: appleDeviceCaTrust(
              readFileSync(settings.appleDeviceCaFile, 'utf8'),
              settings.appleDeviceCaFile,
            ),
          }
        : {}),
    }),
    activities: createAppleEdgeActivities({ db, push, keyRing: deps.keyRing }),
    enqueueCommands: (input) => enqueueAppleCommands({ db, push, keyRing: deps.keyRing }, input),
    enqueueBulk: (input) => enqueueAppleBulk({ db, push, keyRing: deps.keyRing }, input),
    close: () => push.close(),
  };
}

export const appleEdgePlatform: EdgePlatform = { id: 'apple', start: startAppleEdge };
