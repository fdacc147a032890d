// The stack an end-to-end Apple test drives: the test planes with the edge served over HTTPS on loopback, a fake
// APNs, and the admin API with an admin token and an imported push certificate. Simulated devices enrol from a
// profile downloaded through the admin API, as an admin would hand it out. The admin app (with the console) is
// also served over HTTP on loopback, for a browser.
import { createServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, expect } from 'vitest';
import type { AdminAppDeps, createAdminApp } from '../../admin/app.js';
import { generateToken } from '../../admin/auth/token-hash.js';
import type { Device } from '../../core/db/core/device.table.js';
import type { Logger } from '../../core/log/logger.js';
import { createFakeApns, type FakeApns, type RunningFakeApns } from '../fakes/apns/fake-apns.js';
import type { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from './apple-requests.js';
import { freePort } from './global-setup.js';
import type { TestPlanes } from './planes.js';
import { planesAdminApp } from './planes-admin.js';
import { createTestPushCertificate } from './push-cert.js';
import { createTestCa, issueLoopbackServerCertificate, type TestCa } from './test-ca.js';
import { useTestPlanes } from './test-context.js';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface AppleE2e {
  readonly planes: TestPlanes;
  /** A JSON call to the admin API as the admin. */
  api: (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;
  /** A raw call to the admin API as the admin. */
  adminRequest: (path: string, init?: { method?: string }) => Promise<Response>;
  /**
   * Enrols the device from a fresh profile and answers its Keep id once the core holds it enrolled with its OS
   * family known (targeting needs it; the device's DeviceInformation answer gives it).
   */
  enroll: (device: SimulatedAppleDevice) => Promise<string>;
  /** Where a browser reaches the admin app (its public URL: the Origin cookie requests must come from). */
  adminUrl: () => string;
  /** The CA behind the edge's loopback TLS certificate (what a device must trust). */
  readonly edgeCaPem: string;
  /** The bootstrap admin token (the console's first-start sign-in). */
  readonly bootstrapToken: string;
  /** The CA the fake APNs trusts for provider certificates (a renewed push certificate comes from it too). */
  readonly pushCa: TestCa;
  /** The fake APNs: what it received, and with which provider certificate. */
  readonly apns: () => FakeApns;
}

/** Registers its hooks in the calling `describe`; `waitMs` bounds every wait (a bound, not a speed claim). */
export function useAppleE2e(options: {
  waitMs: number;
  log?: Logger;
  /** Admin app settings a test turns on (e.g. the second approver for reveals). */
  admin?: Partial<AdminAppDeps>;
  /** Extra core settings, as the environment would give them. */
  coreEnv?: Record<string, string>;
}): AppleE2e {
  const token = generateToken();
  const tlsCa = createTestCa('Keep Test TLS CA');
  const pushCa = createTestCa('Keep Test Push CA');
  let fake: ReturnType<typeof createFakeApns>;
  let apns: RunningFakeApns | undefined;
  let port: number;
  let server: ServerType | undefined;
  let adminServer: ServerType | undefined;
  let adminPort: number;
  let admin: ReturnType<typeof createAdminApp>;

  beforeAll(async () => {
    fake = createFakeApns({ clientCaPem: pushCa.certPem });
    apns = await fake.start();
    port = await freePort();
    adminPort = await freePort();
  });
  const planes = useTestPlanes(() => ({
    apns: { url: apns!.url, caPem: apns!.caPem },
    edgePublicUrl: `https://127.0.0.1:${port}`,
    ...(options.log ? { log: options.log } : {}),
    ...(options.coreEnv ? { coreEnv: options.coreEnv } : {}),
  }));

  const adminRequest = async (path: string, init: { method?: string } = {}) =>
    admin.request(path, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}` } });
  async function api(method: string, path: string, body?: unknown) {
    const res = await admin.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    const tls = issueLoopbackServerCertificate(tlsCa);
    server = await new Promise<ServerType>((resolve) => {
      const s: ServerType = serve(
        {
          fetch: planes.edgeApp.fetch,
          hostname: '127.0.0.1',
          port,
          createServer,
          serverOptions: { cert: tls.certPem, key: tls.keyPem },
        },
        () => resolve(s),
      );
    });
    admin = planesAdminApp(planes, token, {
      identity: { publicUrl: `http://127.0.0.1:${adminPort}` },
      ...options.admin,
    });
    adminServer = await new Promise<ServerType>((resolve) => {
      const s: ServerType = serve({ fetch: admin.fetch, hostname: '127.0.0.1', port: adminPort }, () =>
        resolve(s),
      );
    });
    const push = createTestPushCertificate({ ca: pushCa });
    const imported = await api('POST', '/v1/push-certificate', {
      certPem: push.certPem,
      keyPem: push.keyPem,
    });
    expect(imported.status).toBe(202);
    await planes.temporal.workflow.getHandle(imported.body.workflowId as string).result();
  }, 120_000);

  afterAll(async () => {
    for (const s of [server, adminServer])
      await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    await apns?.close();
  });

  async function enroll(device: SimulatedAppleDevice): Promise<string> {
    const profile = await adminRequest('/v1/enrollments/apple', { method: 'POST' });
    expect(profile.status).toBe(201);
    await device.enrollFromProfile(new Uint8Array(await profile.arrayBuffer()), {
      edgeCa: tlsCa.certPem,
      fakeApns: fake,
    });
    const row = await eventually(async (): Promise<Device | undefined> => {
      const r = await planes.database.core.db
        .selectFrom('devices')
        .selectAll()
        .where('udid', '=', device.udid)
        .executeTakeFirst();
      return r?.enrollment_status === 'enrolled' && r.os_platform ? r : undefined;
    }, options.waitMs);
    return row.id;
  }

  return {
    planes,
    api,
    adminRequest,
    enroll,
    adminUrl: () => `http://127.0.0.1:${adminPort}`,
    bootstrapToken: token,
    edgeCaPem: tlsCa.certPem,
    pushCa,
    apns: () => fake,
  };
}
