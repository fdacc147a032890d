import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { createApnsClient } from '../../../../edge/apple/push/apns-client.js';
import { createPushCoalescer } from '../../../../edge/apple/push/push-coalescer.js';
import { createFakeApns, type FakeApns, type RunningFakeApns } from '../../../fakes/apns/fake-apns.js';
import { createTestCa } from '../../../support/test-ca.js';
import { createTestPushCertificate } from '../../../support/push-cert.js';

describe('push coalescer', () => {
  const ca = createTestCa();
  const push = createTestPushCertificate({ ca });
  let fake: FakeApns;
  let running: RunningFakeApns;

  beforeAll(async () => {
    fake = createFakeApns({ clientCaPem: ca.certPem });
    running = await fake.start();
  });
  afterAll(async () => {
    await running.close();
  });

  function coalescer(windowMs = 30) {
    const sender = createApnsClient({
      baseUrl: running.url,
      extraCaPem: running.caPem,
      credentials: () => push,
    });
    return createPushCoalescer({ sender, windowMs });
  }

  it('sends one push for N requests to the same device within the window', async () => {
    const pushes = coalescer();
    const token = randomBytes(32).toString('hex');
    const other = randomBytes(32).toString('hex');
    const magic = randomUUID();
    const requests = [
      ...Array.from({ length: 10 }, () => pushes.request(push.topic, { token, pushMagic: magic })),
      pushes.request(push.topic, { token: token.toUpperCase(), pushMagic: magic }),
      pushes.request(push.topic, { token: other, pushMagic: magic }),
    ];
    const outcomes = await Promise.all(requests);
    await pushes.close();

    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(fake.pushes.filter((p) => p.token === token)).toHaveLength(1);
    expect(fake.pushes.filter((p) => p.token === other)).toHaveLength(1);
  });

  it('uses the latest PushMagic when a device is requested twice in a window', async () => {
    const pushes = coalescer();
    const token = randomBytes(32).toString('hex');
    const first = pushes.request(push.topic, { token, pushMagic: 'OLD' });
    const second = pushes.request(push.topic, { token, pushMagic: 'NEW' });
    await Promise.all([first, second]);
    await pushes.close();
    expect(fake.pushes.filter((p) => p.token === token).map((p) => p.payload)).toEqual([{ mdm: 'NEW' }]);
  });

  it('pushes again for a request that arrives after the window was sent', async () => {
    const pushes = coalescer(10);
    const token = randomBytes(32).toString('hex');
    await pushes.request(push.topic, { token, pushMagic: 'M' });
    await pushes.request(push.topic, { token, pushMagic: 'M' });
    await pushes.close();
    expect(fake.pushes.filter((p) => p.token === token)).toHaveLength(2);
  });

  it('flush sends waiting requests without waiting for the window', async () => {
    const pushes = coalescer(60_000);
    const token = randomBytes(32).toString('hex');
    const pending = pushes.request(push.topic, { token, pushMagic: 'M' });
    await pushes.flush();
    expect(await pending).toMatchObject({ status: 'sent' });
    await pushes.close();
  });
});
