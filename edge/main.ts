// Starts one edge process: the HTTPS device API, its Temporal client, and the edge worker.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { EdgeProcessConfig } from '../core/config/config.schema.js';
import { createLogger } from '../core/log/logger.js';
import { temporalClientOptions, temporalConnectionOptions } from '../core/temporal/connection-options.js';
import { openEdgeDatabase } from '../activities/db/connect.js';
import { createEdgeApp } from './app.js';
import { startEdgeWorker } from './worker.js';
import { installTemporalRuntime } from '../activities/temporal-runtime.js';

export interface RunningEdge {
  port: number;
  close: () => Promise<void>;
}

export async function startEdge(config: EdgeProcessConfig): Promise<RunningEdge> {
  const log = createLogger('keep-edge', config.log.level);
  installTemporalRuntime(log);
  const database = openEdgeDatabase(config.edgeDatabase.url, config.edgeDatabase.poolSize);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const temporal = new Client({ connection, ...temporalClientOptions(config.temporal) });
  const worker = await startEdgeWorker(config.temporal, config.edge.taskQueue, { db: database.db });
  const app = createEdgeApp({
    log,
    temporal,
    coreTaskQueue: config.edge.coreTaskQueue,
    edgeTaskQueue: config.edge.taskQueue,
    probeEnabled: config.edge.probeEnabled,
    healthProbes: {
      postgres: () => database.pool.query('SELECT 1'),
      temporal: () => connection.workflowService.getSystemInfo({}),
    },
  });
  const tls =
    config.edge.tlsCertFile && config.edge.tlsKeyFile
      ? { cert: readFileSync(config.edge.tlsCertFile), key: readFileSync(config.edge.tlsKeyFile) }
      : undefined;
  const server = await new Promise<ServerType>((resolve) => {
    const s: ServerType = serve(
      {
        fetch: app.fetch,
        hostname: config.edge.listen.host,
        port: config.edge.listen.port,
        ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
      },
      () => resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.edge.listen.port;
  log.info({ host: config.edge.listen.host, port, tls: Boolean(tls) }, 'edge listening');
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.close();
      await connection.close();
      await database.close();
    },
  };
}
