// Starts one edge process: the HTTPS device API, its Temporal client, and the edge composed in compose-edge.ts.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { EdgeProcessConfig } from '../core/config/config.schema.js';
import { createLogger } from '../core/log/logger.js';
import {
  temporalClientConnectionOptions,
  temporalClientOptions,
} from '../core/temporal/connection-options.js';
import { openEdgeDatabase } from '../runtime/db/connect.js';
import { closeServer } from '../runtime/close-server.js';
import { coreWorkerProbe } from '../runtime/core-worker-probe.js';
import { installTemporalRuntime } from '../runtime/temporal-runtime.js';
import { composeEdge } from './compose-edge.js';
import { serveEdgeApp } from './serve-edge.js';

export interface RunningEdge {
  port: number;
  close: () => Promise<void>;
}

export async function startEdge(config: EdgeProcessConfig): Promise<RunningEdge> {
  const log = createLogger('keep-edge', config.log.level);
  installTemporalRuntime(log);
  const database = openEdgeDatabase(config.edgeDatabase.url, config.edgeDatabase.poolSize);
  const connection = await Connection.connect(temporalClientConnectionOptions(config.temporal));
  const temporal = new Client({ connection, ...temporalClientOptions(config.temporal) });
  const postgres = () => database.pool.query('SELECT 1');
  const temporalUp = () => connection.workflowService.getSystemInfo({});
  const edge = await composeEdge({
    config,
    db: database.db,
    temporal,
    log,
    healthProbes: { postgres, temporal: temporalUp },
    // Devices' Idle check-ins and command fetches need only Postgres: Temporal and the core are shown, and
    // their outage only delays what waits in the outbox, so it must not take every edge out of a load balancer.
    readinessProbes: {
      required: { postgres },
      advisory: {
        temporal: temporalUp,
        'core-worker': coreWorkerProbe(temporal, config.edge.coreTaskQueue),
      },
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
  const server = await serveEdgeApp(edge.app, {
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
      await closeServer(server as Server, config.shutdown.graceMs);
      await edge.close();
      await connection.close();
      await database.close();
    },
  };
}
