// The edge worker: runs the edge's activities on task queue "edge"; it never runs workflows.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { TemporalSettings } from '../core/config/config.schema.js';
import type { KeyRing } from '../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../core/db/edge-database.js';
import { temporalClientOptions, temporalConnectionOptions } from '../core/temporal/connection-options.js';
import { createEdgePlaneCheckActivities } from '../activities/plane-check.activities.js';
import { mergeActivities, type ActivityFunctions } from '../runtime/activity-functions.js';
import { runWorker, type RunningWorker } from '../runtime/run-worker.js';
import { createDeviceCommandActivities } from './device-command.activities.js';
import type { StartedEdgePlatform } from './platform.js';
import { createTrustActivities } from './trust.activities.js';
import type { RaState } from './scep/ra-state.js';
import { createScepEdgeActivities } from './scep/scep.activities.js';
import type { TrustState } from './trust-state.js';

export interface EdgeActivityDeps {
  db: Kysely<EdgeDatabase>;
  trust: TrustState;
  ra: RaState;
  /** The edge's own key ring: its sealing key opens the command payloads the admin API sealed to this edge. */
  keyRing: KeyRing;
  /** The edge's started platforms, by id. */
  platforms: ReadonlyMap<string, StartedEdgePlatform>;
}

export function createEdgeActivities(deps: EdgeActivityDeps): ActivityFunctions {
  return mergeActivities([
    createEdgePlaneCheckActivities(deps),
    createTrustActivities(deps),
    createScepEdgeActivities(deps),
    createDeviceCommandActivities(deps.platforms, deps.keyRing),
    ...[...deps.platforms.values()].map((platform) => platform.activities),
  ]);
}

export async function startEdgeWorker(
  settings: TemporalSettings,
  taskQueue: string,
  deps: EdgeActivityDeps,
  shutdownGraceMs?: number,
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(settings));
  const worker = await Worker.create({
    connection,
    ...temporalClientOptions(settings),
    taskQueue,
    activities: createEdgeActivities(deps),
    // On shutdown, activities in flight get this long to finish before they are cancelled (and retried elsewhere).
    ...(shutdownGraceMs === undefined ? {} : { shutdownGraceTime: shutdownGraceMs }),
  });
  return runWorker(worker, connection);
}
