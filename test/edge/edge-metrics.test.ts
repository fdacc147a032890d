// GET /metrics on the edge: Prometheus text that counts requests by route and status, check-ins by message type
// and refusals by reason, and measures the outbox waiting to be relayed.
import { randomUUID, X509Certificate } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { TrustStore } from '../../core/cms/index.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import type { DeviceEvent } from '../../core/device/device-event.js';
import { createLogger } from '../../core/log/logger.js';
import { createEdgeApp } from '../../edge/app.js';
import { connectRoutes } from '../../edge/apple/connect.routes.js';
import { watchOutbox } from '../../edge/edge-metrics.js';
import { addDeviceEvent } from '../../edge/outbox/outbox.repository.js';
import { identityFrom, signedRequest } from '../support/apple-requests.js';
import { createTestCa } from '../support/test-ca.js';
import { useTestDatabase } from '../support/test-context.js';
import { generateBoxKeyPair } from '../../core/crypto/sealed-box.js';

/** Parses the text exposition format into `name{labels}` → value (the sample lines; comments skipped). */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe('edge metrics', () => {
  const database = useTestDatabase();
  const ca = createTestCa('Keep Test Metrics CA');
  const trust = new TrustStore([new X509Certificate(ca.certPem).raw]);
  const keyRing = KeyRing.parse(KeyRing.generateSpec('metrics'));

  function edgeApp(metricsEnabled: boolean) {
    return createEdgeApp({
      log: createLogger('test', 'silent'),
      temporal: new Client(),
      coreTaskQueue: 'core-metrics',
      edgeTaskQueue: 'edge-metrics',
      probeEnabled: false,
      metricsEnabled,
      healthProbes: {},
      maxBodyBytes: 64 * 1024,
      platformRoutes: [
        new Hono().route(
          '/',
          connectRoutes({
            db: database.edge.db,
            keyRing,
            // These answers hold no secret: nothing is sealed to it.
            coreRecipient: async () => generateBoxKeyPair().recipient,
            identity: { trust: () => trust, isRevoked: () => false },
          }),
        ),
      ],
    });
  }
  const scrape = async (app: ReturnType<typeof edgeApp>) => {
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(await res.text());
  };
  const at = (samples: Map<string, number>, key: string) => samples.get(key) ?? 0;

  it('counts requests by route and status, check-ins by message type and refusals by reason', async () => {
    const app = edgeApp(true);
    const before = await scrape(app);
    const idle = signedRequest(
      '/mdm/connect',
      { Status: 'Idle', UDID: `METRICS-${randomUUID()}` },
      identityFrom(ca, 'metrics device'),
    );
    const refused = await app.request(idle);
    expect(refused.status).toBe(403);
    const unsigned = await app.request(
      signedRequest('/mdm/connect', { Status: 'Idle', UDID: 'X' }, undefined),
    );
    expect(unsigned.status).toBe(401);
    const after = await scrape(app);
    const requests = 'keep_edge_http_requests_total{method="PUT",route="/mdm/connect",status="403"}';
    expect(at(after, requests) - at(before, requests)).toBe(1);
    const idles = 'keep_edge_checkins_total{platform="apple",endpoint="connect",message_type="Idle"}';
    expect(at(after, idles) - at(before, idles)).toBe(1);
    const noSignature = 'keep_edge_refusals_total{reason="no-signature"}';
    expect(at(after, noSignature) - at(before, noSignature)).toBe(1);
    // The signed request from a device the edge does not know is refused too, under its own reason.
    const grown = [...after.keys()].filter(
      (key) => key.startsWith('keep_edge_refusals_total') && at(after, key) > at(before, key),
    );
    expect(grown).toContain(noSignature);
    expect(grown).toHaveLength(2);
    expect(after.get('keep_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('measures the events waiting in the outbox and the age of the oldest', async () => {
    watchOutbox(database.edge.db);
    for (let i = 0; i < 3; i++)
      await addDeviceEvent(database.edge.db, randomUUID(), {
        platform: 'apple',
        kind: 'facts-reported',
        enrollmentId: randomUUID(),
        at: new Date().toISOString(),
        data: { facts: {} },
      } satisfies DeviceEvent);
    const samples = await scrape(edgeApp(true));
    expect(samples.get('keep_edge_outbox_pending')).toBe(3);
    expect(samples.get('keep_edge_outbox_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('serves no /metrics on the device port unless enabled', async () => {
    expect((await edgeApp(false).request('/metrics')).status).toBe(404);
  });
});
