// The edge worker: runs the edge's activities on task queue "edge"; it never runs workflows.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { TemporalSettings } from '../core/config/config.schema.js';
import type { EdgeDatabase } from '../core/db/edge-database.js';
import { temporalClientOptions, temporalConnectionOptions } from '../core/temporal/connection-options.js';
import { createEdgePlaneCheckActivities } from '../activities/plane-check.activities.js';
import { runWorker } from '../runtime/run-worker.js';
import { createAppleEdgeActivities } from './apple/apple.activities.js';
import type { PushService } from './apple/push-service.js';
import { createTrustActivities } from './trust.activities.js';
import type { RaState } from './scep/ra-state.js';
import { createScepEdgeActivities } from './scep/scep.activities.js';
import type { TrustState } from './trust-state.js';

export interface EdgeActivityDeps {
  db: Kysely<EdgeDatabase>;
  push: PushService;
  trust: TrustState;
  ra: RaState;
}

export function createEdgeActivities(deps: EdgeActivityDeps) {
  return {
    ...createEdgePlaneCheckActivities(deps),
    ...createAppleEdgeActivities(deps),
    ...createTrustActivities(deps),
    ...createScepEdgeActivities(deps),
  };
}

export type EdgeActivities = ReturnType<typeof createEdgeActivities>;

export async function startEdgeWorker(settings: TemporalSettings, taskQueue: string, deps: EdgeActivityDeps) {
  const connection = await NativeConnection.connect(temporalConnectionOptions(settings));
  const worker = await Worker.create({
    connection,
    ...temporalClientOptions(settings),
    taskQueue,
    activities: createEdgeActivities(deps),
  });
  return runWorker(worker, connection);
}
