// Both planes in-process for integration tests: a fresh database, a core worker and an edge worker on
// task queues of their own, the edge app with its outbox relay, and a Temporal client — all configured
// through the real config schemas.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Hono } from 'hono';
import { startCoreWorker } from '../../activities/core-worker.js';
import type { CorePlatform } from '../../activities/platform.js';
import { corePlatforms } from '../../activities/platforms.js';
import type { RunningWorker } from '../../runtime/run-worker.js';
import {
  coreProcessConfig,
  edgeProcessConfig,
  type CoreProcessConfig,
  type DirectorySettings,
  type EdgeProcessConfig,
} from '../../core/config/config.schema.js';
import { loadConfig } from '../../core/config/load-config.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { createLogger, type Logger } from '../../core/log/logger.js';
import { temporalClientOptions } from '../../core/temporal/connection-options.js';
import type { StartedAppleEdge } from '../../edge/apple/apple-platform.js';
import type { PushService } from '../../edge/apple/push-service.js';
import { composeEdge, type ComposedEdge } from '../../edge/compose-edge.js';
import type { OutboxRelay } from '../../edge/outbox/outbox-relay.js';
import type { EdgePlatform } from '../../edge/platform.js';
import { edgePlatforms } from '../../edge/platforms.js';
import type { RaState } from '../../edge/scep/ra-state.js';
import type { TrustState } from '../../edge/trust-state.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { testStack, type KeepTestStack } from './stack.js';
import { workflowIds } from '../../core/temporal/task-queues.js';

export interface TestPlanesOptions {
  /** Task queues of further edges the core serves that no worker polls: an edge that is down. */
  edgesDown?: string[];
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
  /** Give the second edge a key ring of its own (a second site's edge): what is sealed to the first's does not open. */
  secondEdgeOwnKeys?: boolean;
  /** Extra `KEEP_EDGE_*` settings (connection and SCEP limits), as the environment would give them. */
  edgeEnv?: Record<string, string>;
  /** Extra core settings (`KEEP_DEP_*`, `KEEP_DIRECTORY_*`), as the environment would give them. */
  coreEnv?: Record<string, string>;
  /** The edge's logger (default silent); tests of what is logged pass their own. */
  log?: Logger;
  /** The directory the core reads (and checks enrolment credentials against). */
  directory?: DirectorySettings;
  /** Platforms registered beside the built-in ones, through the same registries (edge and core). */
  platforms?: { edge?: readonly EdgePlatform[]; core?: readonly CorePlatform[] };
}

/** An edge beyond the first: its own edge database, composed like the first. */
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
  /** The edge's Hono app with every platform's routes; call `edgeApp.request()` or serve it. */
  edgeApp: Hono;
  /** The first edge as edge/compose-edge.ts built it (its platforms and what they were given). */
  edge: ComposedEdge;
  coreWorker: RunningWorker;
  /** The second edge, with `secondEdge`. */
  secondEdge?: TestEdge;
  /**
   * Starts another edge on `taskQueue` (with the first edge's key ring unless given one); the core provisions it
   * only if asked to (edgeProvisioningWorkflow).
   */
  startEdge(taskQueue: string, secretKeys?: string): Promise<TestEdge>;
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
  const loadedCoreConfig = loadConfig(coreProcessConfig, {
    env: {
      ...temporalEnv,
      KEEP_DATABASE_URL: database.coreUrl,
      KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('secret-test'),
      KEEP_CORE_TASK_QUEUE: `core-${suffix}`,
      KEEP_CORE_WORKFLOW_BUNDLE: stack.workflowBundle,
      KEEP_CORE_EDGE_TASK_QUEUES: [
        `edge-${suffix}`,
        ...(options.secondEdge ? [`edge2-${suffix}`] : []),
        ...(options.edgesDown ?? []),
      ].join(','),
      ...(options.edgePublicUrl ? { KEEP_CORE_EDGE_PUBLIC_URL: options.edgePublicUrl } : {}),
      ...options.coreEnv,
    },
  });
  const coreConfig: CoreProcessConfig = options.directory
    ? { ...loadedCoreConfig, directory: options.directory }
    : loadedCoreConfig;
  const loadedEdgeConfig = loadConfig(edgeProcessConfig, {
    env: {
      ...temporalEnv,
      KEEP_EDGE_DATABASE_URL: database.edgeUrl,
      KEEP_EDGE_TASK_QUEUE: `edge-${suffix}`,
      KEEP_EDGE_CORE_TASK_QUEUE: `core-${suffix}`,
      KEEP_EDGE_PROBE_ENABLED: 'true',
      KEEP_EDGE_SECRET_KEYS: KeyRing.generateSpec('edge-test'),
      ...(options.apns
        ? { KEEP_EDGE_APNS_URL: options.apns.url, KEEP_EDGE_APNS_CA_FILE: apnsCaFile(options.apns.caPem) }
        : {}),
      ...(options.scepAllowSingleDes ? { KEEP_EDGE_SCEP_ALLOW_SINGLE_DES: 'true' } : {}),
      ...options.edgeEnv,
    },
  });
  const edgeConfig: EdgeProcessConfig =
    options.scepSignTimeoutMs === undefined
      ? loadedEdgeConfig
      : {
          ...loadedEdgeConfig,
          edge: { ...loadedEdgeConfig.edge, scepSignTimeoutMs: options.scepSignTimeoutMs },
        };
  const log = options.log ?? createLogger('test', 'silent');
  const platforms = {
    edge: edgePlatforms(options.platforms?.edge),
    core: corePlatforms(options.platforms?.core),
  };
  const core: RunningWorker = await startCoreWorker(
    coreConfig,
    coreConfig.core.workflowBundle,
    platforms.core,
  );
  const connection = await Connection.connect({ address: stack.temporalAddress, connectTimeout: '30s' });
  const temporal = new Client({ connection, ...temporalClientOptions(coreConfig.temporal) });

  const extraEdges: TestEdge[] = [];
  async function startEdge(taskQueue: string, secretKeys = edgeConfig.edge.secretKeys): Promise<TestEdge> {
    const edgeDatabase = await createTestDatabase(stack);
    const composed = await composeEdge({
      config: {
        ...edgeConfig,
        edgeDatabase: { ...edgeConfig.edgeDatabase, url: edgeDatabase.edgeUrl },
        edge: { ...edgeConfig.edge, taskQueue, secretKeys },
      },
      db: edgeDatabase.edge.db,
      temporal,
      log,
      platforms: platforms.edge,
      relay: { pollMs: 100 },
    });
    const started: TestEdge = {
      taskQueue,
      database: edgeDatabase,
      trust: composed.trust,
      edgeApp: composed.app,
      async close() {
        await composed.close();
        await edgeDatabase.drop();
      },
    };
    extraEdges.push(started);
    return started;
  }
  const edge = await composeEdge({
    config: edgeConfig,
    db: database.edge.db,
    temporal,
    log,
    platforms: platforms.edge,
    relay: { autostart: options.relay ?? true, pollMs: 100 },
  });
  const secondEdge = options.secondEdge
    ? await startEdge(
        `edge2-${suffix}`,
        options.secondEdgeOwnKeys ? KeyRing.generateSpec('edge2-test') : undefined,
      )
    : undefined;
  // The core worker asked each edge to install the CA chain and certify its RA: wait for it.
  for (const taskQueue of coreConfig.core.edgeTaskQueues)
    if (!options.edgesDown?.includes(taskQueue))
      await temporal.workflow.getHandle(workflowIds.edgeProvisioning(taskQueue)).result();
  return {
    database,
    coreConfig,
    edgeConfig,
    temporal,
    connection,
    trust: edge.trust,
    ra: edge.ra,
    push: (edge.platforms.get('apple') as StartedAppleEdge).push,
    relay: edge.relay,
    edgeApp: edge.app,
    edge,
    coreWorker: core,
    ...(secondEdge ? { secondEdge } : {}),
    startEdge,
    async close() {
      await Promise.all([core.close(), edge.close(), ...extraEdges.map((e) => e.close())]);
      await connection.close();
      await database.drop();
    },
  };
}

/** The fake APNs's CA as the edge setting names it: a file. */
function apnsCaFile(caPem: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'keep-apns-ca-')), 'ca.pem');
  writeFileSync(file, caPem);
  return file;
}
