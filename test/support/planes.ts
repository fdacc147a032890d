// Both planes in-process for integration tests: a fresh database, a core worker and an edge worker on
// task queues of their own, the edge app with its outbox relay, and a Temporal client — all configured
// through the real config schemas.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Hono } from 'hono';
import { startCoreWorker } from '../../activities/core-worker.js';
import type { RunningWorker } from '../../runtime/run-worker.js';
import {
  coreProcessConfig,
  edgeProcessConfig,
  type CoreProcessConfig,
  type EdgeProcessConfig,
} from '../../core/config/config.schema.js';
import { loadConfig } from '../../core/config/load-config.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { createLogger, type Logger } from '../../core/log/logger.js';
import { temporalClientOptions } from '../../core/temporal/connection-options.js';
import { createEdgeApp } from '../../edge/app.js';
import { startOutboxRelay, type OutboxRelay } from '../../edge/outbox/outbox-relay.js';
import { createPushService, type PushService } from '../../edge/apple/push-service.js';
import { createTrustState, type TrustState } from '../../edge/trust-state.js';
import { createRaState, type RaState } from '../../edge/scep/ra-state.js';
import { startEdgeWorker } from '../../edge/worker.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { testStack, type KeepTestStack } from './stack.js';
import { workflowIds } from '../../core/temporal/task-queues.js';

export interface TestPlanesOptions {
  /** A fake APNs to push through (its URL and the CA to trust). */
  apns?: { url: string; caPem: string };
  /** Start the outbox relay polling (default true); tests of crash recovery drive it by hand. */
  relay?: boolean;
  scepSignTimeoutMs?: number;
  /** Set `edge.scepAllowSingleDes` (for legacy SCEP clients in interop tests). */
  scepAllowSingleDes?: boolean;
  /** Where devices reach the edge (written into enrollment profiles). */
  edgePublicUrl?: string;
  /** Configure and start a second edge (its own database and task queue) beside the first. */
  secondEdge?: boolean;
  /** Extra `KEEP_EDGE_*` settings (connection and SCEP limits), as the environment would give them. */
  edgeEnv?: Record<string, string>;
  /** The edge's logger (default silent); tests of what is logged pass their own. */
  log?: Logger;
}

/** An edge beyond the first: its own edge database, worker and device routes (no relay, no SCEP). */
export interface TestEdge {
  taskQueue: string;
  database: TestDatabase;
  trust: TrustState;
  edgeApp: Hono;
  close(): Promise<void>;
}

export interface TestPlanes {
  database: TestDatabase;
  coreConfig: CoreProcessConfig;
  edgeConfig: EdgeProcessConfig;
  temporal: Client;
  connection: Connection;
  trust: TrustState;
  ra: RaState;
  push: PushService;
  relay: OutboxRelay;
  /** The edge's Hono app with the Apple routes; call `edgeApp.request()` or serve it. */
  edgeApp: Hono;
  /** The second edge, with `secondEdge`. */
  secondEdge?: TestEdge;
  /** Starts another edge on `taskQueue`; the core provisions it only if asked to (edgeProvisioningWorkflow). */
  startEdge(taskQueue: string): Promise<TestEdge>;
  close(): Promise<void>;
}

/** `stack` defaults to the one vitest's global setup provides; benchmarks pass their own. */
export async function startTestPlanes(
  options: TestPlanesOptions = {},
  stack: KeepTestStack = testStack(),
): Promise<TestPlanes> {
  const database = await createTestDatabase(stack);
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
      KEEP_CORE_EDGE_TASK_QUEUES: options.secondEdge ? `edge-${suffix},edge2-${suffix}` : `edge-${suffix}`,
      ...(options.edgePublicUrl ? { KEEP_CORE_EDGE_PUBLIC_URL: options.edgePublicUrl } : {}),
    },
  });
  const edgeConfig = loadConfig(edgeProcessConfig, {
    env: {
      ...temporalEnv,
      KEEP_EDGE_DATABASE_URL: database.edgeUrl,
      KEEP_EDGE_TASK_QUEUE: `edge-${suffix}`,
      KEEP_EDGE_CORE_TASK_QUEUE: `core-${suffix}`,
      KEEP_EDGE_PROBE_ENABLED: 'true',
      KEEP_EDGE_SECRET_KEYS: KeyRing.generateSpec('edge-test'),
      ...(options.apns ? { KEEP_EDGE_APNS_URL: options.apns.url } : {}),
      ...(options.scepAllowSingleDes ? { KEEP_EDGE_SCEP_ALLOW_SINGLE_DES: 'true' } : {}),
      ...options.edgeEnv,
    },
  });
  const log = options.log ?? createLogger('test', 'silent');
  const core: RunningWorker = await startCoreWorker(coreConfig, coreConfig.core.workflowBundle);
  const trust = await createTrustState(database.edge.db);
  const edgeKeyRing = KeyRing.parse(edgeConfig.edge.secretKeys);
  const ra = await createRaState(database.edge.db, edgeKeyRing);
  const push = createPushService({
    db: database.edge.db,
    keyRing: edgeKeyRing,
    apnsUrl: edgeConfig.edge.apnsUrl,
    log,
    ...(options.apns ? { extraCaPem: options.apns.caPem } : {}),
  });
  const edge = await startEdgeWorker(edgeConfig.temporal, edgeConfig.edge.taskQueue, {
    db: database.edge.db,
    push,
    trust,
    ra,
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection, ...temporalClientOptions(coreConfig.temporal) });

  const extraEdges: TestEdge[] = [];
  async function startEdge(taskQueue: string): Promise<TestEdge> {
    const edgeDatabase = await createTestDatabase(stack);
    const edgeTrust = await createTrustState(edgeDatabase.edge.db);
    const edgePush = createPushService({
      db: edgeDatabase.edge.db,
      keyRing: edgeKeyRing,
      apnsUrl: edgeConfig.edge.apnsUrl,
      log,
    });
    const worker = await startEdgeWorker(edgeConfig.temporal, taskQueue, {
      db: edgeDatabase.edge.db,
      push: edgePush,
      trust: edgeTrust,
      ra: await createRaState(edgeDatabase.edge.db, edgeKeyRing),
    });
    const started: TestEdge = {
      taskQueue,
      database: edgeDatabase,
      trust: edgeTrust,
      edgeApp: createEdgeApp({
        log,
        temporal,
        coreTaskQueue: edgeConfig.edge.coreTaskQueue,
        edgeTaskQueue: taskQueue,
        probeEnabled: false,
        healthProbes: {},
        apple: {
          db: edgeDatabase.edge.db,
          temporal,
          coreTaskQueue: edgeConfig.edge.coreTaskQueue,
          edgeTaskQueue: taskQueue,
          identity: { trust: edgeTrust.trust, isRevoked: edgeTrust.isRevoked },
        },
      }),
      async close() {
        await worker.close();
        await edgePush.close();
        edgeTrust.close();
        await edgeDatabase.drop();
      },
    };
    extraEdges.push(started);
    return started;
  }
  const secondEdge = options.secondEdge ? await startEdge(`edge2-${suffix}`) : undefined;
  // The core worker asked each edge to install the CA chain and certify its RA: wait for it.
  for (const taskQueue of coreConfig.core.edgeTaskQueues)
    await temporal.workflow.getHandle(workflowIds.edgeProvisioning(taskQueue)).result();
  const relay = startOutboxRelay(
    {
      db: database.edge.db,
      temporal,
      coreTaskQueue: edgeConfig.edge.coreTaskQueue,
      edgeTaskQueue: edgeConfig.edge.taskQueue,
      log,
      pollMs: 100,
    },
    options.relay ?? true,
  );
  const edgeApp = createEdgeApp({
    log,
    temporal,
    coreTaskQueue: edgeConfig.edge.coreTaskQueue,
    edgeTaskQueue: edgeConfig.edge.taskQueue,
    probeEnabled: true,
    healthProbes: {},
    bodyLimits: { default: edgeConfig.edge.maxBodyBytes, checkin: edgeConfig.edge.maxCheckinBodyBytes },
    apple: {
      db: database.edge.db,
      temporal,
      coreTaskQueue: edgeConfig.edge.coreTaskQueue,
      edgeTaskQueue: edgeConfig.edge.taskQueue,
      identity: { trust: trust.trust, isRevoked: trust.isRevoked },
      onOutbox: relay.wake,
    },
    scep: {
      db: database.edge.db,
      temporal,
      coreTaskQueue: edgeConfig.edge.coreTaskQueue,
      ra,
      trust: trust.trust,
      caChain: trust.chain,
      isRevoked: trust.isRevoked,
      signTimeoutMs: options.scepSignTimeoutMs ?? edgeConfig.edge.scepSignTimeoutMs,
      allowSingleDes: edgeConfig.edge.scepAllowSingleDes,
      log,
      workLimit: {
        perPeer: edgeConfig.edge.scepMaxConcurrentPerPeer,
        total: edgeConfig.edge.scepMaxConcurrent,
      },
    },
  });
  return {
    database,
    coreConfig,
    edgeConfig,
    temporal,
    connection,
    trust,
    ra,
    push,
    relay,
    edgeApp,
    ...(secondEdge ? { secondEdge } : {}),
    startEdge,
    async close() {
      await relay.stop();
      await Promise.all([core.close(), edge.close(), ...extraEdges.map((e) => e.close())]);
      await push.close();
      trust.close();
      await connection.close();
      await database.drop();
    },
  };
}
