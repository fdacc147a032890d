import { request } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmin, type RunningAdmin } from '../../admin/main.js';
import { adminProcessConfig } from '../../core/config/config.schema.js';
import { loadConfig } from '../../core/config/load-config.js';
import { testStack } from '../support/stack.js';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { useTestDatabase } from '../support/test-context.js';

function get(port: number, path: string, ca: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('keep admin over TLS', () => {
  const database = useTestDatabase();
  let admin: RunningAdmin;
  const ca = createTestCa('Keep Admin Test CA');

  beforeAll(async () => {
    const dir = mkdtempSync(`${tmpdir()}/keep-admin-tls-`);
    const { certPem, keyPem } = issueLoopbackServerCertificate(ca);
    writeFileSync(`${dir}/admin.pem`, certPem);
    writeFileSync(`${dir}/admin.key`, keyPem);
    const stack = testStack();
    const config = loadConfig(adminProcessConfig, {
      env: {
        KEEP_DATABASE_URL: database.coreUrl,
        KEEP_TEMPORAL_ADDRESS: stack.temporalAddress,
        KEEP_TEMPORAL_NAMESPACE: stack.temporalNamespace,
        KEEP_TEMPORAL_PAYLOAD_KEYS: stack.payloadKeys,
        KEEP_ADMIN_LISTEN: '127.0.0.1:0',
        KEEP_ADMIN_TLS_CERT_FILE: `${dir}/admin.pem`,
        KEEP_ADMIN_TLS_KEY_FILE: `${dir}/admin.key`,
        KEEP_LOG_LEVEL: 'silent',
      },
    });
    admin = await startAdmin(config);
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('serves HTTPS with the configured certificate, and sends HSTS', async () => {
    const res = await get(admin.port, '/healthz', ca.certPem);
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers /readyz 200 but degraded, naming the core worker, when no core worker polls its task queue', async () => {
    const res = await get(admin.port, '/readyz', ca.certPem);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      status: 'degraded',
      checks: { postgres: 'up', temporal: 'up', 'core-worker': 'down' },
      down: ['core-worker'],
    });
  });

  it('serves its metrics in Prometheus text, counting requests by route and status', async () => {
    await get(admin.port, '/healthz', ca.certPem);
    const res = await get(admin.port, '/metrics', ca.certPem);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const healthz =
      /^keep_admin_http_requests_total\{method="GET",route="\/healthz",status="200"\} (\d+)$/m.exec(res.body);
    expect(Number(healthz?.[1])).toBeGreaterThanOrEqual(1);
  });
});
