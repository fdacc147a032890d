// A simulated Mac enrols end to end through the real edge (HTTPS on loopback), Postgres, Temporal, the core
// CA and a fake APNs: admin imports the push certificate and downloads a profile; the device does SCEP,
// Authenticate and TokenUpdate, is woken by pushes, and answers commands sent through the admin API.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createAdminApp } from '../../admin/app.js';
import { generateToken } from '../../admin/auth/token-hash.js';
import { createFakeApns, type RunningFakeApns } from '../fakes/apns/fake-apns.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { freePort } from '../support/global-setup.js';
import { createTestPushCertificate } from '../support/push-cert.js';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { eventually } from '../support/apple-requests.js';
import { useTestPlanes } from '../support/test-context.js';
import { planesAdminApp } from '../support/planes-admin.js';

/** A bound, not a speed claim: other test files generating RSA keys can starve this process for seconds. */
const PUSH_WAIT_MS = 90_000;

/** Waits for something a push should cause; on failure says what the fake APNs and the device saw. */
function afterPush<T>(
  fake: { pushes: Array<{ status: number; reason?: string | undefined }> },
  device: SimulatedAppleDevice,
  fn: () => Promise<T | undefined>,
): Promise<T> {
  return eventually(fn, PUSH_WAIT_MS).catch((err: Error) => {
    const pushes = JSON.stringify(fake.pushes.map((p) => [p.status, p.reason ?? null]));
    const session = device.lastSessionError instanceof Error ? device.lastSessionError.message : 'none';
    throw new Error(
      `${err.message}; pushes ${pushes}, received ${device.pushesReceived}, last session error: ${session}`,
      { cause: err },
    );
  });
}

describe('an Apple device enrols end to end', { timeout: 180_000 }, () => {
  const token = generateToken();
  const tlsCa = createTestCa('Keep Test TLS CA');
  const pushCa = createTestCa('Keep Test Push CA');
  let apns: RunningFakeApns;
  let fake: ReturnType<typeof createFakeApns>;
  let port: number;
  let server: ServerType;
  let admin: ReturnType<typeof createAdminApp>;
  let device: SimulatedAppleDevice;
  let deviceId: string;
  const api = (method: string, path: string, body?: unknown) =>
    admin.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    fake = createFakeApns({ clientCaPem: pushCa.certPem });
    apns = await fake.start();
    port = await freePort();
  });
  const planes = useTestPlanes(() => ({
    apns: { url: apns.url, caPem: apns.caPem },
    edgePublicUrl: `https://127.0.0.1:${port}`,
  }));

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
    expect((server.address() as AddressInfo).port).toBe(port);
    admin = planesAdminApp(planes, token);
  }, 120_000);

  afterAll(async () => {
    device?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await apns?.close();
  });

  it('refuses to make a profile before a push certificate is imported', async () => {
    expect((await api('POST', '/v1/enrollments/apple')).status).toBe(409);
  });

  it('imports the push certificate, installs it at the edge, and serves a signed profile', async () => {
    const push = createTestPushCertificate({ ca: pushCa });
    const imported = await api('POST', '/v1/push-certificate', {
      certPem: push.certPem,
      keyPem: push.keyPem,
    });
    expect(imported.status).toBe(202);
    const { workflowId } = (await imported.json()) as { workflowId: string };
    await planes.temporal.workflow.getHandle(workflowId).result();
    const stored = await planes.database.edge.db
      .selectFrom('push_certificates')
      .select(['topic', 'sealed_key'])
      .executeTakeFirstOrThrow();
    expect(stored.topic).toBe(push.topic);
    expect(stored.sealed_key).not.toContain('PRIVATE KEY');

    const profile = await api('POST', '/v1/enrollments/apple');
    expect(profile.status).toBe(201);
    expect(profile.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    device = new SimulatedAppleDevice({ kind: 'mac' });
    await device.enrollFromProfile(new Uint8Array(await profile.arrayBuffer()), {
      edgeCa: tlsCa.certPem,
      fakeApns: fake,
    });
  });

  it('records the device and the answers to the inventory commands Keep sends at enrolment, woken by a push', async () => {
    const row = await afterPush(fake, device, async () => {
      const r = await planes.database.core.db
        .selectFrom('devices')
        .selectAll()
        .where('udid', '=', device.udid)
        .executeTakeFirst();
      return r?.enrollment_status === 'enrolled' ? r : undefined;
    });
    deviceId = row.id;
    const answered = await eventually(async () => {
      const rows = await planes.database.core.db
        .selectFrom('device_commands')
        .selectAll()
        .where('device_id', '=', deviceId)
        .execute();
      return rows.length === 2 && rows.every((r) => r.status === 'acknowledged') ? rows : undefined;
    });
    expect(answered.map((r) => r.request_type).sort()).toEqual(['DeviceInformation', 'SecurityInfo']);
    expect(fake.pushes.length).toBeGreaterThanOrEqual(1);
    const shown = (await (await api('GET', `/v1/devices/${deviceId}`)).json()) as {
      serialNumber?: string;
      serial_number?: string;
    };
    expect(JSON.stringify(shown)).toContain(device.state.serialNumber);
  });

  it('delivers an admin command through a push, and stores the device own answer', async () => {
    const sent = await api('POST', `/v1/devices/${deviceId}/commands`, { requestType: 'ProfileList' });
    expect(sent.status).toBe(202);
    const { commandUuid } = (await sent.json()) as { commandUuid: string };
    const status = await afterPush(fake, device, async () => {
      const res = (await (await api('GET', `/v1/devices/${deviceId}/commands/${commandUuid}`)).json()) as {
        status: string;
      };
      return res.status === 'acknowledged' ? res : undefined;
    });
    expect(status.status).toBe('acknowledged');
  });

  it('never puts a serial number or UDID into a workflow id', async () => {
    const ids: string[] = [];
    for await (const workflow of planes.temporal.workflow.list()) ids.push(workflow.workflowId);
    expect(ids).toContain(`device-${deviceId}`);
    for (const id of ids) {
      expect(id).not.toContain(device.udid);
      expect(id).not.toContain(device.state.serialNumber);
    }
  });

  it('keeps a command queued while the device is offline and delivers it when it comes back', async () => {
    device.goOffline();
    const sent = await api('POST', `/v1/devices/${deviceId}/commands`, { requestType: 'SecurityInfo' });
    const { commandUuid } = (await sent.json()) as { commandUuid: string };
    await new Promise((r) => setTimeout(r, 500));
    const queued = (await (await api('GET', `/v1/devices/${deviceId}/commands/${commandUuid}`)).json()) as {
      status: string;
    };
    expect(queued.status).toBe('queued');
    device.goOnline();
    const handled = await device.runSession();
    expect(handled.map((h) => h.commandUuid)).toContain(commandUuid);
    await eventually(async () => {
      const res = (await (await api('GET', `/v1/devices/${deviceId}/commands/${commandUuid}`)).json()) as {
        status: string;
      };
      return res.status === 'acknowledged' ? res : undefined;
    });
  });

  it('stops pushing a token APNs calls unregistered (410) until the device sends a newer TokenUpdate', async () => {
    fake.unregister(device.pushToken!);
    const first = await api('POST', `/v1/devices/${deviceId}/commands`, {
      requestType: 'DeviceInformation',
      parameters: { queries: ['OSVersion'] },
    });
    expect(first.status).toBe(202);
    const disabled = await afterPush(fake, device, async () => {
      const row = await planes.database.edge.db
        .selectFrom('apple_enrollments')
        .select('push_disabled_at')
        .where('udid', '=', device.udid)
        .executeTakeFirstOrThrow();
      return row.push_disabled_at ?? undefined;
    });
    expect(disabled).toBeInstanceOf(Date);
    const pushesBefore = fake.pushes.length;
    const second = (await (
      await api('POST', `/v1/devices/${deviceId}/commands`, { requestType: 'ProfileList' })
    ).json()) as { pushed: boolean };
    expect(second.pushed).toBe(false);
    expect(fake.pushes.length).toBe(pushesBefore);
    // A new token re-enables pushes; the device then collects what waited.
    expect((await device.tokenUpdate(true)).status).toBe(200);
    await device.runSession();
    const row = await planes.database.edge.db
      .selectFrom('apple_enrollments')
      .select('push_disabled_at')
      .where('udid', '=', device.udid)
      .executeTakeFirstOrThrow();
    expect(row.push_disabled_at).toBeNull();
  });

  it('issues a purpose-bound challenge through the admin API, naming a bad field with a 400', async () => {
    const bad = await api('POST', '/v1/scep/challenges', { purpose: 'wifi' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('enrollmentId');
    const made = await api('POST', '/v1/scep/challenges', { purpose: 'wifi', deviceId });
    expect(made.status).toBe(201);
    const { challenge } = (await made.json()) as { challenge: string };
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await planes.database.core.db.selectFrom('scep_challenges').select('hash').execute();
    expect(stored.map((r) => r.hash)).not.toContain(challenge);
  });

  it('revokes the device identity on admin request, after which every endpoint refuses the device', async () => {
    const enrollment = await planes.database.core.db
      .selectFrom('devices')
      .select('enrollment_id')
      .where('id', '=', deviceId)
      .executeTakeFirstOrThrow();
    const identity = await planes.database.core.db
      .selectFrom('certificates')
      .select('serial_hex')
      .where('enrollment_id', '=', enrollment.enrollment_id)
      .where('profile', '=', 'device-identity')
      .executeTakeFirstOrThrow();
    expect((await api('POST', '/v1/certificates/zz-not-hex/revoke', {})).status).toBe(400);
    const revoked = await api('POST', `/v1/certificates/${identity.serial_hex}/revoke`, {
      reason: 'keyCompromise',
    });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ revoked: 1, everyEdge: true });
    await expect(device.runSession()).rejects.toMatchObject({ status: 403 });
    expect((await device.checkIn('TokenUpdate')).status).toBe(403);
  });

  it('revokes the identity of a device that checks out', async () => {
    const profile = await api('POST', '/v1/enrollments/apple');
    const enrollmentId = profile.headers.get('keep-enrollment-id')!;
    const leaving = new SimulatedAppleDevice({ kind: 'iphone' });
    try {
      await leaving.enrollFromProfile(new Uint8Array(await profile.arrayBuffer()), {
        edgeCa: tlsCa.certPem,
        fakeApns: fake,
      });
      expect((await leaving.checkOut()).status).toBe(200);
      const revoked = await eventually(async () => {
        const row = await planes.database.core.db
          .selectFrom('certificates')
          .select(['revoked_at', 'sha256_fingerprint'])
          .where('enrollment_id', '=', enrollmentId)
          .executeTakeFirst();
        return row?.revoked_at ? row : undefined;
      });
      await eventually(async () => (planes.trust.isRevoked(revoked.sha256_fingerprint) ? true : undefined));
    } finally {
      leaving.close();
    }
  });

  it('escrows a Mac bootstrap token in the core vault (never at the edge) and gives it back, audited', async () => {
    const profile = await api('POST', '/v1/enrollments/apple');
    const mac = new SimulatedAppleDevice({ kind: 'mac' });
    try {
      await mac.enrollFromProfile(new Uint8Array(await profile.arrayBuffer()), {
        edgeCa: tlsCa.certPem,
        bootstrapToken: true,
      });
      const token = Buffer.from(mac.state.bootstrapToken!);
      const device = await eventually(async () =>
        planes.database.core.db
          .selectFrom('devices')
          .select('id')
          .where('udid', '=', mac.udid)
          .executeTakeFirst(),
      );
      const sealed = await planes.database.core.db
        .selectFrom('vault_secrets')
        .select('ciphertext')
        .where('device_id', '=', device.id)
        .where('kind', '=', 'bootstrap-token')
        .where('state', '=', 'current')
        .executeTakeFirstOrThrow();
      expect(sealed.ciphertext.includes(token)).toBe(false);
      const answer = await mac.checkIn('GetBootstrapToken', { AwaitingConfiguration: false });
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toContain(token.toString('base64'));
      const audit = await planes.database.core.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', device.id)
        .execute();
      expect(audit.map((a) => a.action)).toContain('bootstrap-token.read');
    } finally {
      mac.close();
    }
  });
});
