// Starts the admin API process on premises: it talks to the core database and to Temporal as a client.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { AdminProcessConfig } from '../core/config/config.schema.js';
import { createLogger } from '../core/log/logger.js';
import {
  temporalClientConnectionOptions,
  temporalClientOptions,
} from '../core/temporal/connection-options.js';
import { closeServer } from '../runtime/close-server.js';
import { coreWorkerProbe } from '../runtime/core-worker-probe.js';
import { openCoreDatabase } from '../runtime/db/connect.js';
import { createAdminApp } from './app.js';

export interface RunningAdmin {
  port: number;
  close: () => Promise<void>;
}

export async function startAdmin(config: AdminProcessConfig): Promise<RunningAdmin> {
  const log = createLogger('keep-admin', config.log.level);
  // The config schema allows plain HTTP only on loopback; both files or neither are set.
  const tls =
    config.admin.tlsCertFile && config.admin.tlsKeyFile
      ? { cert: readFileSync(config.admin.tlsCertFile), key: readFileSync(config.admin.tlsKeyFile) }
      : undefined;
  const database = openCoreDatabase(config.database.url, config.database.poolSize);
  const connection = await Connection.connect(temporalClientConnectionOptions(config.temporal));
  const temporal = new Client({ connection, ...temporalClientOptions(config.temporal) });
  if (!config.admin.bootstrapTokenHash)
    log.warn('no bootstrap token hash configured: only API tokens are accepted');
  const postgres = () => database.pool.query('SELECT 1');
  const temporalUp = () => connection.workflowService.getSystemInfo({});
  const app = createAdminApp({
    log,
    db: database.db,
    temporal,
    bootstrapTokenHash: config.admin.bootstrapTokenHash,
    coreTaskQueue: config.admin.coreTaskQueue,
    edgeTaskQueue: config.admin.edgeTaskQueue,
    tls: Boolean(tls),
    identity: config.admin,
    secretReveal: {
      approvalRequired: config.admin.secretRevealApproval,
      minutes: config.admin.secretRevealMinutes,
    },
    healthProbes: { postgres, temporal: temporalUp },
    // Reads need only Postgres; commands and rollouts also need Temporal and a core worker, shown here.
    readinessProbes: {
      required: { postgres },
      advisory: {
        temporal: temporalUp,
        'core-worker': coreWorkerProbe(temporal, config.admin.coreTaskQueue),
      },
    },
  });
  // A port in use (or any listen error) fails start-up with its message instead of crashing the process.
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s: ServerType = serve(
      {
        fetch: app.fetch,
        hostname: config.admin.listen.host,
        port: config.admin.listen.port,
        ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.admin.listen.port;
  log.info({ host: config.admin.listen.host, port, tls: Boolean(tls) }, 'admin API listening');
  return {
    port,
    async close() {
      await closeServer(server as Server, config.shutdown.graceMs);
      await connection.close();
      await database.close();
    },
  };
}
