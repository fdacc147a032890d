// Keep split as it is deployed: the edge in a process of its own (`keep edge`), the core worker and the admin API in
// this one, on a fresh database of the run's stack, with a push certificate installed and a fake APNs to push to.
import { Client, Connection } from '@temporalio/client';
import { createAdminApp } from '../../admin/app.js';
import { generateToken, hashToken } from '../../admin/auth/token-hash.js';
import { loadOrCreateCa } from '../../activities/pki/ca-operations.js';
import { startCoreWorker } from '../../activities/core-worker.js';
import { coreProcessConfig, type CoreProcessConfig } from '../../core/config/config.schema.js';
import { loadConfig } from '../../core/config/load-config.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import type { CertificateAuthority } from '../../core/pki/certificate-authority.js';
import { createLogger } from '../../core/log/logger.js';
import { temporalClientOptions } from '../../core/temporal/connection-options.js';
import { createFakeApns, type RunningFakeApns } from '../fakes/apns/fake-apns.js';
import { createTestPushCertificate } from '../support/push-cert.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { freePort, type RunningKeepTestStack } from '../support/start-stack.js';
import { createTestCa } from '../support/test-ca.js';
import { serveOnLoopback, type ServedEdge } from './bench-planes.js';
import { startEdgeProcess, type EdgeProcess } from './edge-process.js';

export interface KeepProcesses {
  database: TestDatabase;
  coreConfig: CoreProcessConfig;
  temporal: Client;
  edge: EdgeProcess;
  /** The admin API on loopback, and a bootstrap (admin) token for it; the token is never printed. */
  admin: { baseUrl: string; token: string };
  /** Keep's own issuing CA, as the core loaded it: the bench issues device identities with it in bulk. */
  issuingCa: CertificateAuthority;
  pushTopic: string;
  close(): Promise<void>;
}

export async function startKeepProcesses(
  running: RunningKeepTestStack,
  options: {
    edgeTls?: { certPem: string; keyPem: string };
    /** More KEEP_EDGE_* settings (e.g. SCEP limits that must admit a whole fleet from one loopback peer). */
    edgeEnv?: Record<string, string>;
  } = {},
): Promise<KeepProcesses> {
  const { stack } = running;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const database = await createTestDatabase(stack);
    closers.push(() => database.drop());
    const temporalEnv = {
      KEEP_TEMPORAL_ADDRESS: stack.temporalAddress,
      KEEP_TEMPORAL_NAMESPACE: stack.temporalNamespace,
      KEEP_TEMPORAL_PAYLOAD_KEYS: stack.payloadKeys,
    };
    // The edge's port is chosen first: the core writes the edge's URL into the enrollment profiles it signs.
    const edgePort = await freePort();
    const edgeUrl = `${options.edgeTls ? 'https' : 'http'}://127.0.0.1:${edgePort}`;
    const coreConfig = loadConfig(coreProcessConfig, {
      env: {
        ...temporalEnv,
        KEEP_CORE_EDGE_PUBLIC_URL: edgeUrl,
        KEEP_DATABASE_URL: database.coreUrl,
        KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('bench-core'),
        KEEP_CORE_TASK_QUEUE: 'core-bench',
        KEEP_CORE_WORKFLOW_BUNDLE: stack.workflowBundle,
        KEEP_CORE_EDGE_TASK_QUEUES: 'edge-bench',
        KEEP_LOG_LEVEL: 'warn',
      },
    });
    const core = await startCoreWorker(coreConfig, coreConfig.core.workflowBundle);
    closers.push(() => core.close());

    // The edge pushes each command; a fake APNs on loopback answers it (nothing listens for the pushes:
    // the fleet fetches commands when the benchmark tells it to, as NanoMDM's devices do with nopush).
    const pushCa = createTestCa('Bench Push CA');
    const apns: RunningFakeApns = await createFakeApns({ clientCaPem: pushCa.certPem }).start();
    closers.push(() => apns.close());

    const edge = await startEdgeProcess({
      env: {
        ...temporalEnv,
        KEEP_EDGE_DATABASE_URL: database.edgeUrl,
        KEEP_EDGE_TASK_QUEUE: 'edge-bench',
        KEEP_EDGE_CORE_TASK_QUEUE: 'core-bench',
        KEEP_EDGE_SECRET_KEYS: KeyRing.generateSpec('bench-edge'),
        KEEP_EDGE_APNS_URL: apns.url,
        KEEP_EDGE_PUBLIC_URL: edgeUrl,
        ...options.edgeEnv,
      },
      port: edgePort,
      apnsCaPem: apns.caPem,
      ...(options.edgeTls ? { tls: options.edgeTls } : {}),
    });
    closers.push(() => edge.stop());

    const connection = await Connection.connect({ address: stack.temporalAddress });
    closers.push(() => connection.close());
    const temporal = new Client({ connection, ...temporalClientOptions(coreConfig.temporal) });
    // The core installs its CA chain on the new edge and certifies its RA: wait for that.
    await temporal.workflow.getHandle('edge-provisioning-edge-bench').result();
    const ca = await loadOrCreateCa(database.core.db, KeyRing.parse(coreConfig.core.secretKeys), {
      organization: coreConfig.core.organization,
    });

    const token = generateToken();
    const adminApp = createAdminApp({
      log: createLogger('keep-admin', 'silent'),
      db: database.core.db,
      temporal,
      bootstrapTokenHash: hashToken(token),
      coreTaskQueue: 'core-bench',
      edgeTaskQueue: 'edge-bench',
      healthProbes: {},
    });
    const admin: ServedEdge = await serveOnLoopback(adminApp.fetch);
    closers.push(() => admin.close());

    // The push certificate is imported as an admin does: the core keeps it (enrollment profiles name its
    // topic) and installs it on the edge.
    const pushCert = createTestPushCertificate({ ca: pushCa });
    const imported = await fetch(`${admin.baseUrl}/v1/push-certificate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ certPem: pushCert.certPem, keyPem: pushCert.keyPem }),
    });
    if (imported.status !== 202)
      throw new Error(`push certificate import answered ${imported.status}: ${await imported.text()}`);
    const { workflowId } = (await imported.json()) as { workflowId: string };
    await temporal.workflow.getHandle(workflowId).result();
    return {
      database,
      coreConfig,
      temporal,
      edge,
      admin: { baseUrl: admin.baseUrl, token },
      issuingCa: ca.issuing,
      pushTopic: pushCert.topic,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
