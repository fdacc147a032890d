// Renewing the APNs push certificate with a simulated Mac enrolled through the real edge, Temporal and core and a
// fake APNs: a certificate with another topic is refused (it would strand the Mac), the renewal for the same
// topic is accepted, and the next push reaches the Mac with the renewed certificate.
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { createTestPushCertificate } from '../support/push-cert.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 120_000;

describe('renewing the APNs push certificate', { timeout: 600_000 }, () => {
  const { planes, api, enroll, pushCa, apns } = useAppleE2e({ waitMs: WAIT_MS });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  afterAll(() => mac.close());

  it('refuses a renewal with another topic, naming both; accepts the same topic and pushes continue with it', async () => {
    const deviceId = await enroll(mac);
    const current = await api('GET', '/v1/push-certificate');
    const topic = current.body.topic as string;

    const other = createTestPushCertificate({ ca: pushCa });
    const refused = await api('POST', '/v1/push-certificate', {
      certPem: other.certPem,
      keyPem: other.keyPem,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.problem).toBe('topic-changed');
    expect(refused.body.error).toContain(other.topic);
    expect(refused.body.error).toContain(topic);
    expect((await api('GET', '/v1/push-certificate')).body.id).toBe(current.body.id);

    const renewed = createTestPushCertificate({
      ca: pushCa,
      topic,
      notAfter: new Date(Date.now() + 400 * 86_400_000),
    });
    const accepted = await api('POST', '/v1/push-certificate', {
      certPem: renewed.certPem,
      keyPem: renewed.keyPem,
    });
    expect(accepted.status).toBe(202);
    await planes.temporal.workflow.getHandle(accepted.body.workflowId as string).result();
    const now = await api('GET', '/v1/push-certificate');
    expect(now.body).toMatchObject({ topic, id: accepted.body.id, warning: 'none' });

    // A command wakes the Mac by a push sent with the renewed certificate; the Mac answers it.
    const session = mac.nextSession(WAIT_MS);
    const sent = await api('POST', `/v1/devices/${deviceId}/commands`, {
      requestType: 'ProfileList',
      parameters: {},
    });
    expect(sent.status).toBeLessThan(300);
    const handled = await session;
    expect(handled.map((c) => c.requestType)).toContain('ProfileList');
    const serial = new X509Certificate(renewed.certPem).serialNumber;
    const last = apns()
      .pushes.filter((p) => p.status === 200)
      .at(-1);
    expect(last?.clientSerial).toBe(serial);
    expect(last?.topic).toBe(topic);
  });
});
