// One edge, composed: its platforms, the device app, the edge worker, the outbox relay, the trust and RA
// state. The edge process (edge/main.ts) and the test planes (test/support/planes.ts) both build an edge here.
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { EdgeProcessConfig } from '../core/config/config.schema.js';
import { KeyRing } from '../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../core/db/edge-database.js';
import type { Probe, ReadinessProbes } from '../core/health/health-report.js';
import type { Logger } from '../core/log/logger.js';
import type { RunningWorker } from '../runtime/run-worker.js';
import { createEdgeApp } from './app.js';
import { attestationRoots } from '../core/acme/apple-attestation.js';
import { APPLE_ENTERPRISE_ATTESTATION_ROOT_PEM } from '../core/acme/apple-enterprise-attestation-root.js';
import { watchOutbox } from './edge-metrics.js';
import { startOutboxRelay, type OutboxRelay } from './outbox/outbox-relay.js';
import type { EdgePlatform, EdgePlatformDeps, StartedEdgePlatform } from './platform.js';
import { edgePlatforms } from './platforms.js';
import { createRaState, type RaState } from './scep/ra-state.js';
import { createTrustState, type TrustState } from './trust-state.js';
import { startEdgeWorker } from './worker.js';

export interface ComposeEdgeOptions {
  config: EdgeProcessConfig;
  db: Kysely<EdgeDatabase>;
  temporal: Client;
  log: Logger;
  healthProbes?: Record<string, Probe>;
  /** What GET /readyz probes besides the trust state, which the edge adds as required. */
  readinessProbes?: ReadinessProbes;
  /** Default: the registry (edge/platforms.ts). */
  platforms?: readonly EdgePlatform[];
  /** The relay polls on its own (default); tests of crash recovery drive it by hand (`drainOnce`). */
  relay?: { autostart?: boolean; pollMs?: number };
}

export interface ComposedEdge {
  app: Hono;
  trust: TrustState;
  ra: RaState;
  relay: OutboxRelay;
  worker: RunningWorker;
  /** The started platforms by id, and what each was given (to mount its routes differently in a test). */
  platforms: ReadonlyMap<string, StartedEdgePlatform>;
  platformDeps: EdgePlatformDeps;
  /** Stops the relay and the worker, then the platforms and the trust refresh; the caller owns db and temporal. */
  close(): Promise<void>;
}

export async function composeEdge(options: ComposeEdgeOptions): Promise<ComposedEdge> {
  const { config, db, temporal, log } = options;
  const settings = config.edge;
  const keyRing = KeyRing.parse(settings.secretKeys);
  const trust = await createTrustState(db);
  watchOutbox(db);
  const ra = await createRaState(db, keyRing);
  // The relay exists before the platforms so their routes can nudge it; it only reads the outbox.
  const relay = startOutboxRelay(
    {
      db,
      temporal,
      coreTaskQueue: settings.coreTaskQueue,
      edgeTaskQueue: settings.taskQueue,
      log,
      ...(options.relay?.pollMs === undefined ? {} : { pollMs: options.relay.pollMs }),
      retention: {
        commandsHours: settings.commandRetentionHours,
        outboxHours: settings.outboxRetentionHours,
      },
    },
    options.relay?.autostart ?? true,
  );
  const platformDeps: EdgePlatformDeps = {
    db,
    temporal,
    log,
    keyRing,
    trust,
    settings,
    onOutbox: relay.wake,
  };
  const platforms = new Map(
    (options.platforms ?? edgePlatforms()).map((platform) => [platform.id, platform.start(platformDeps)]),
  );
  const worker = await startEdgeWorker(
    config.temporal,
    settings.taskQueue,
    { db, trust, ra, keyRing, platforms },
    config.shutdown.graceMs,
  );
  const app = createEdgeApp({
    log,
    temporal,
    coreTaskQueue: settings.coreTaskQueue,
    edgeTaskQueue: settings.taskQueue,
    probeEnabled: settings.probeEnabled,
    metricsEnabled: settings.metricsEnabled,
    healthProbes: options.healthProbes ?? {},
    readinessProbes: {
      ...options.readinessProbes,
      required: {
        ...options.readinessProbes?.required,
        // Until the core installs Keep's CA chain, no device can be authenticated here.
        trust: () =>
          trust.trust() ? Promise.resolve() : Promise.reject(new Error('no CA chain installed yet')),
      },
    },
    maxBodyBytes: settings.maxBodyBytes,
    platformRoutes: [...platforms.values()].map((platform) => platform.routes),
    scep: {
      db,
      temporal,
      coreTaskQueue: settings.coreTaskQueue,
      edgeTaskQueue: settings.taskQueue,
      ra,
      trust: trust.trust,
      caChain: trust.chain,
      nextCaChain: trust.nextChain,
      isRevoked: trust.isRevoked,
      signTimeoutMs: settings.scepSignTimeoutMs,
      allowSingleDes: settings.scepAllowSingleDes,
      log,
      workLimit: { perPeer: settings.scepMaxConcurrentPerPeer, total: settings.scepMaxConcurrent },
      batch: { waitMs: settings.scepBatchWaitMs, maxSize: settings.scepBatchMaxSize },
    },
    acme: {
      db,
      temporal,
      coreTaskQueue: settings.coreTaskQueue,
      publicUrl: settings.publicUrl,
      attestationRoots: attestationRoots(
        settings.acmeAttestationRootFile
          ? readFileSync(settings.acmeAttestationRootFile, 'utf8')
          : APPLE_ENTERPRISE_ATTESTATION_ROOT_PEM,
      ),
      orderMinutes: settings.acmeOrderMinutes,
      signTimeoutMs: settings.scepSignTimeoutMs,
      caChain: trust.chain,
      log,
      trustedProxies: settings.trustedProxies,
    },
  });
  return {
    app,
    trust,
    ra,
    relay,
    worker,
    platforms,
    platformDeps,
    async close() {
      await relay.stop();
      await worker.close();
      for (const platform of platforms.values()) await platform.close();
      trust.close();
      ra.close();
    },
  };
}
