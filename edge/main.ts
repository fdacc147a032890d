// Starts one edge process: the HTTPS device API, its Temporal client, the outbox relay and the edge worker.
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { EdgeProcessConfig } from '../core/config/config.schema.js';
import { KeyRing } from '../core/crypto/key-ring.js';
import { createLogger } from '../core/log/logger.js';
import { temporalClientOptions, temporalConnectionOptions } from '../core/temporal/connection-options.js';
import { openEdgeDatabase } from '../runtime/db/connect.js';
import { installTemporalRuntime } from '../runtime/temporal-runtime.js';
import { createEdgeApp } from './app.js';
import { startOutboxRelay } from './outbox/outbox-relay.js';
import { createPushService } from './apple/push-service.js';
import { createTrustState } from './trust-state.js';
import { createRaState } from './scep/ra-state.js';
import { serveEdgeApp } from './serve-edge.js';
import { startEdgeWorker } from './worker.js';

export interface RunningEdge {
  port: number;
  close: () => Promise<void>;
}

export async function startEdge(config: EdgeProcessConfig): Promise<RunningEdge> {
  const log = createLogger('keep-edge', config.log.level);
  installTemporalRuntime(log);
  const database = openEdgeDatabase(config.edgeDatabase.url, config.edgeDatabase.poolSize);
  const keyRing = KeyRing.parse(config.edge.secretKeys);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const temporal = new Client({ connection, ...temporalClientOptions(config.temporal) });
  const trust = await createTrustState(database.db);
  const ra = await createRaState(database.db, keyRing);
  const push = createPushService({
    db: database.db,
    keyRing,
    apnsUrl: config.edge.apnsUrl,
    log,
    ...(config.edge.apnsCaFile ? { extraCaPem: readFileSync(config.edge.apnsCaFile, 'utf8') } : {}),
  });
  const worker = await startEdgeWorker(config.temporal, config.edge.taskQueue, {
    db: database.db,
    push,
    trust,
    ra,
  });
  const relay = startOutboxRelay({
    db: database.db,
    temporal,
    coreTaskQueue: config.edge.coreTaskQueue,
    edgeTaskQueue: config.edge.taskQueue,
    log,
    retention: {
      commandsHours: config.edge.commandRetentionHours,
      outboxHours: config.edge.outboxRetentionHours,
    },
  });
  const app = createEdgeApp({
    log,
    temporal,
    coreTaskQueue: config.edge.coreTaskQueue,
    edgeTaskQueue: config.edge.taskQueue,
    probeEnabled: config.edge.probeEnabled,
    bodyLimits: { default: config.edge.maxBodyBytes, checkin: config.edge.maxCheckinBodyBytes },
    healthProbes: {
      postgres: () => database.pool.query('SELECT 1'),
      temporal: () => connection.workflowService.getSystemInfo({}),
    },
    apple: {
      db: database.db,
      temporal,
      coreTaskQueue: config.edge.coreTaskQueue,
      edgeTaskQueue: config.edge.taskQueue,
      identity: {
        trust: trust.trust,
        isRevoked: trust.isRevoked,
        trustedProxies: config.edge.trustedProxies,
      },
      onOutbox: relay.wake,
    },
    scep: {
      db: database.db,
      temporal,
      coreTaskQueue: config.edge.coreTaskQueue,
      ra,
      trust: trust.trust,
      caChain: trust.chain,
      isRevoked: trust.isRevoked,
      signTimeoutMs: config.edge.scepSignTimeoutMs,
      allowSingleDes: config.edge.scepAllowSingleDes,
      log,
      workLimit: { perPeer: config.edge.scepMaxConcurrentPerPeer, total: config.edge.scepMaxConcurrent },
    },
  });
  const tls =
    config.edge.tlsCertFile && config.edge.tlsKeyFile
      ? {
          cert: readFileSync(config.edge.tlsCertFile),
          key: readFileSync(config.edge.tlsKeyFile),
          requestCert: true,
        }
      : undefined;
  const server = await serveEdgeApp(app, {
    host: config.edge.listen.host,
    port: config.edge.listen.port,
    limits: config.edge,
    ...(tls ? { tls } : {}),
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.edge.listen.port;
  log.info({ host: config.edge.listen.host, port, tls: Boolean(tls) }, 'edge listening');
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.stop();
      await worker.close();
      await push.close();
      trust.close();
      await connection.close();
      await database.close();
    },
  };
}
