// GET /readyz on the edge: required checks (Postgres, the trust state) decide 200 or 503; Temporal and the core
// worker are shown, and their outage leaves the edge serving ("degraded"), since Idle check-ins need neither.
import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ReadinessProbes } from '../../core/health/health-report.js';
import { createLogger } from '../../core/log/logger.js';
import { createEdgeApp } from '../../edge/app.js';
import { coreWorkerProbe } from '../../runtime/core-worker-probe.js';
import { useTestPlanes } from '../support/test-context.js';

describe('the edge readiness endpoint', () => {
  const planes = useTestPlanes({ relay: false });

  function edgeApp(readinessProbes: ReadinessProbes): Hono {
    return createEdgeApp({
      log: createLogger('test', 'silent'),
      temporal: planes.temporal,
      coreTaskQueue: planes.coreConfig.core.taskQueue,
      edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
      probeEnabled: false,
      healthProbes: {},
      maxBodyBytes: 1024,
      readinessProbes,
    });
  }
  const postgres = () => planes.database.edge.pool.query('SELECT 1');
  const temporal = () => planes.connection.workflowService.getSystemInfo({});
  const readyz = async (app: Hono) => {
    const res = await app.request('/readyz');
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers 200 ready, naming each check, while Postgres, Temporal and a core worker are up', async () => {
    const app = edgeApp({
      required: { postgres },
      advisory: {
        temporal,
        'core-worker': coreWorkerProbe(planes.temporal, planes.coreConfig.core.taskQueue),
      },
    });
    expect(await readyz(app)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'up', temporal: 'up', 'core-worker': 'up' }, down: [] },
    });
  });

  it('stays 200 but degraded, naming the core worker, when no core worker polls', async () => {
    const app = edgeApp({
      required: { postgres },
      advisory: { temporal, 'core-worker': coreWorkerProbe(planes.temporal, 'core-nobody-polls') },
    });
    expect(await readyz(app)).toMatchObject({
      status: 200,
      body: { status: 'degraded', down: ['core-worker'] },
    });
  });

  it('answers 503 unready when a required check is down', async () => {
    const app = edgeApp({
      required: { postgres, broken: () => Promise.reject(new Error('down')) },
      advisory: { temporal },
    });
    expect(await readyz(app)).toMatchObject({ status: 503, body: { status: 'unready', down: ['broken'] } });
  });

  it('counts the trust state as required: an edge the core has not provisioned yet is unready', async () => {
    expect(await readyz(planes.edgeApp)).toMatchObject({ status: 200, body: { checks: { trust: 'up' } } });
    const unprovisioned = await planes.startEdge(`edge-unprovisioned-${Date.now()}`);
    try {
      expect(await readyz(unprovisioned.edgeApp)).toMatchObject({
        status: 503,
        body: { status: 'unready', down: ['trust'] },
      });
    } finally {
      await unprovisioned.close();
    }
  });
});
