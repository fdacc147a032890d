import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushCertificateKeyAad } from '../../activities/apple/push-certificate.activities.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { keepDataConverter } from '../../core/temporal/payload-codec.js';
import type { InstallPushCertificateArgs } from '../../workflows/push-certificate.workflow.js';
import { createTestPushCertificate, type TestPushCertificate } from '../support/push-cert.js';
import { testStack } from '../support/stack.js';
import { auditRows, BOOTSTRAP_TOKEN, call, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestPlanes } from '../support/test-context.js';

describe('importing the APNs push certificate', () => {
  const planes = useTestPlanes();
  let edge: Worker;
  let edgeDone: Promise<void>;
  let app: AdminApp;
  let cert: TestPushCertificate;
  const installed: InstallPushCertificateArgs[] = [];
  const edgeTaskQueue = `admin-edge-${Date.now()}`;

  beforeAll(async () => {
    const stack = testStack();
    // Stands in for the edge worker's installPushCertificate activity.
    edge = await Worker.create({
      connection: await NativeConnection.connect({ address: stack.temporalAddress }),
      namespace: stack.temporalNamespace,
      taskQueue: edgeTaskQueue,
      activities: {
        installPushCertificate: async (args: InstallPushCertificateArgs) => void installed.push(args),
      },
      dataConverter: keepDataConverter(stack.payloadKeys),
    });
    edgeDone = edge.run();
    app = testAdminApp({
      db: planes.database.core.db,
      temporal: planes.temporal,
      coreTaskQueue: planes.coreConfig.core.taskQueue,
      edgeTaskQueue,
    });
    cert = createTestPushCertificate();
  });
  afterAll(async () => {
    edge?.shutdown();
    await edgeDone;
  });

  async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out waiting');
  }

  it('answers 404 before any certificate is imported', async () => {
    expect((await call(app, 'GET', '/v1/push-certificate', { token: BOOTSTRAP_TOKEN })).status).toBe(404);
  });

  it('stores a right PEM pair with its key sealed, audits it, and installs it at the edge', async () => {
    const res = await call(app, 'POST', '/v1/push-certificate', {
      token: BOOTSTRAP_TOKEN,
      body: { certPem: cert.certPem, keyPem: cert.keyPem },
    });
    expect(res.status).toBe(202);
    const { id, topic, workflowId } = (await res.json()) as { id: string; topic: string; workflowId: string };
    expect(topic).toBe(cert.topic);
    expect(workflowId).toBe(`push-certificate-${id}`);
    expect(await auditRows(planes.database.core.db, 'push-certificate.import')).toHaveLength(1);

    await planes.temporal.workflow.getHandle(workflowId).result();
    const row = await planes.database.core.db
      .selectFrom('push_certificates')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.topic).toBe(cert.topic);
    expect(row.sealed_key).not.toContain('PRIVATE KEY');
    expect(row.sealed_key).not.toContain(cert.keyPem.split('\n')[1]);
    const ring = KeyRing.parse(planes.coreConfig.core.secretKeys);
    expect(ring.openString(row.sealed_key, pushCertificateKeyAad(id)).toString()).toContain('PRIVATE KEY');
    const sent = await until(async () => installed.find((i) => i.topic === cert.topic));
    expect(sent.keyPem).toContain('PRIVATE KEY');
  });

  it('shows the topic and expiry, never the key', async () => {
    const reader = await tokenFor(planes.database.core.db, 'auditor');
    const res = await call(app, 'GET', '/v1/push-certificate', { token: reader });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ topic: cert.topic, notAfter: expect.any(String) });
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toMatch(/sealed|keyPem/);
  });

  it('warns how close the certificate in use is to expiring', async () => {
    const soon = createTestPushCertificate({ notAfter: new Date(Date.now() + 10 * 86_400_000 + 60_000) });
    const res = await call(app, 'POST', '/v1/push-certificate', {
      token: BOOTSTRAP_TOKEN,
      body: { certPem: soon.certPem, keyPem: soon.keyPem },
    });
    expect(res.status).toBe(202);
    await planes.temporal.workflow
      .getHandle(((await res.json()) as { workflowId: string }).workflowId)
      .result();
    const view = await call(app, 'GET', '/v1/push-certificate', { token: BOOTSTRAP_TOKEN });
    expect(await view.json()).toMatchObject({
      topic: soon.topic,
      expiresAt: expect.any(String),
      daysLeft: 10,
      warning: '14-days',
    });
  });

  it('imports a PKCS#12 too, and refuses a wrong password with 400 naming the problem', async () => {
    const p12 = Buffer.from(cert.p12).toString('base64');
    const wrong = await call(app, 'POST', '/v1/push-certificate', {
      token: BOOTSTRAP_TOKEN,
      body: { pkcs12: p12, password: 'not-it' },
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ problem: 'wrong-password', error: /wrong-password/ });
    const right = await call(app, 'POST', '/v1/push-certificate', {
      token: BOOTSTRAP_TOKEN,
      body: { pkcs12: p12, password: cert.p12Password },
    });
    expect(right.status).toBe(202);
  });

  it('refuses an expired certificate and a mismatched key, and starts nothing', async () => {
    const before = await auditRows(planes.database.core.db, 'push-certificate.import');
    const expired = createTestPushCertificate({
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const other = createTestPushCertificate();
    for (const [body, problem] of [
      [{ certPem: expired.certPem, keyPem: expired.keyPem }, 'expired'],
      [{ certPem: cert.certPem, keyPem: other.keyPem }, 'key-mismatch'],
    ] as const) {
      const res = await call(app, 'POST', '/v1/push-certificate', { token: BOOTSTRAP_TOKEN, body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { problem: string }).problem).toBe(problem);
    }
    expect(await auditRows(planes.database.core.db, 'push-certificate.import')).toEqual(before);
  });
});
