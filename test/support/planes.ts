// Both planes in-process for integration tests: a fresh database, a core worker and an edge worker on
// task queues of their own, and a Temporal client, all configured through the real config schemas.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startCoreWorker, type RunningWorker } from '../../activities/core-worker.js';
import {
  coreProcessConfig,
  edgeProcessConfig,
  type CoreProcessConfig,
  type EdgeProcessConfig,
} from '../../core/config/config.schema.js';
import { loadConfig } from '../../core/config/load-config.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { temporalClientOptions } from '../../core/temporal/connection-options.js';
import { startEdgeWorker } from '../../edge/worker.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { testStack } from './stack.js';

export interface TestPlanes {
  database: TestDatabase;
  coreConfig: CoreProcessConfig;
  edgeConfig: EdgeProcessConfig;
  temporal: Client;
  connection: Connection;
  close(): Promise<void>;
}

export async function startTestPlanes(): Promise<TestPlanes> {
  const stack = testStack();
  const database = await createTestDatabase();
  const suffix = randomBytes(4).toString('hex');
  const temporalEnv = {
    KEEP_TEMPORAL_ADDRESS: stack.temporalAddress,
    KEEP_TEMPORAL_NAMESPACE: stack.temporalNamespace,
    KEEP_TEMPORAL_PAYLOAD_KEYS: stack.payloadKeys,
  };
  const coreConfig = loadConfig(coreProcessConfig, {
    env: {
      ...temporalEnv,
      KEEP_DATABASE_URL: database.coreUrl,
      KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('secret-test'),
      KEEP_CORE_TASK_QUEUE: `core-${suffix}`,
      KEEP_CORE_WORKFLOW_BUNDLE: stack.workflowBundle,
    },
  });
  const edgeConfig = loadConfig(edgeProcessConfig, {
    env: {
      ...temporalEnv,
      KEEP_EDGE_DATABASE_URL: database.edgeUrl,
      KEEP_EDGE_TASK_QUEUE: `edge-${suffix}`,
      KEEP_EDGE_PROBE_ENABLED: 'true',
    },
  });
  const core: RunningWorker = await startCoreWorker(coreConfig, coreConfig.core.workflowBundle);
  const edge = await startEdgeWorker(edgeConfig.temporal, edgeConfig.edge.taskQueue, {
    db: database.edge.db,
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection, ...temporalClientOptions(coreConfig.temporal) });
  return {
    database,
    coreConfig,
    edgeConfig,
    temporal,
    connection,
    async close() {
      await Promise.all([core.close(), edge.close()]);
      await connection.close();
      await database.drop();
    },
  };
}
