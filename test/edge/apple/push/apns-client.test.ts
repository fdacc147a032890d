import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { createApnsClient, type ApnsClientOptions } from '../../../../edge/apple/push/apns-client.js';
import type { PushSender } from '../../../../edge/apple/push/push-sender.js';
import { createFakeApns, type FakeApns, type RunningFakeApns } from '../../../fakes/apns/fake-apns.js';
import { createTestCa } from '../../../support/test-ca.js';
import { createTestPushCertificate, type TestPushCertificate } from '../../../support/push-cert.js';

const token = (): string => randomBytes(32).toString('hex');
const target = (t = token()) => ({ token: t, pushMagic: randomUUID().toUpperCase() });
const fastBackoff = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

describe('APNs client against the fake APNs', () => {
  const ca = createTestCa('Keep Test Push CA');
  const push: TestPushCertificate = createTestPushCertificate({ ca });
  let fake: FakeApns;
  let running: RunningFakeApns;
  const clients: PushSender[] = [];

  beforeAll(async () => {
    fake = createFakeApns({ clientCaPem: ca.certPem });
    running = await fake.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    fake.setDelay(0);
  });
  afterAll(async () => {
    await running.close();
  });

  function client(overrides: Partial<ApnsClientOptions> = {}): PushSender {
    const created = createApnsClient({
      baseUrl: running.url,
      extraCaPem: running.caPem,
      credentials: () => ({ certPem: push.certPem, keyPem: push.keyPem }),
      backoff: fastBackoff,
      ...overrides,
    });
    clients.push(created);
    return created;
  }

  it('delivers an MDM push with the documented headers and the PushMagic payload', async () => {
    const device = target();
    const before = Date.now();
    const [outcome] = await client().send(push.topic, [device]);

    expect(outcome).toMatchObject({ token: device.token, status: 'sent' });
    const recorded = fake.pushes.filter((p) => p.token === device.token);
    expect(recorded).toHaveLength(1);
    const { headers, payload, topic } = recorded[0]!;
    expect(topic).toBe(push.topic);
    expect(payload).toEqual({ mdm: device.pushMagic });
    expect(headers['apns-push-type']).toBe('mdm');
    expect(headers['apns-priority']).toBe('10');
    expect(headers['content-type']).toBe('application/json');
    expect(Number(headers['apns-expiration'])).toBeGreaterThan(before / 1000);
    expect(headers['apns-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome).toMatchObject({ apnsId: headers['apns-id'] });
  });

  it('wakes a simulated device listening for its token', async () => {
    const device = target();
    const woken: unknown[] = [];
    const stop = fake.onPush((t, payload) => {
      if (t === device.token) woken.push(payload);
    });
    await client().send(push.topic, [device]);
    stop();
    expect(woken).toEqual([{ mdm: device.pushMagic }]);
  });

  it('reports 410 as unregistered with its timestamp', async () => {
    const gone = target();
    const fine = target();
    fake.unregister(gone.token, 1_700_000_000_123);
    const outcomes = await client().send(push.topic, [gone, fine]);
    expect(outcomes).toEqual([
      { token: gone.token, status: 'unregistered', timestamp: 1_700_000_000_123 },
      expect.objectContaining({ token: fine.token, status: 'sent' }),
    ]);
  });

  it('reports a malformed token as bad-token, and never sends a non-hex token at all', async () => {
    const short = target('abcd');
    const junk = target('../../3/device/x');
    const seen = fake.pushes.length;
    const outcomes = await client().send(push.topic, [short, junk]);
    expect(outcomes).toEqual([
      { token: 'abcd', status: 'bad-token' },
      { token: '../../3/device/x', status: 'bad-token' },
    ]);
    expect(fake.pushes.slice(seen).map((p) => [p.token, p.reason])).toEqual([['abcd', 'BadDeviceToken']]);
  });

  it('reports 400 BadDeviceToken for a well-formed token as bad-token, without retrying', async () => {
    const refused = target();
    fake.rejectToken(refused.token);
    const [outcome] = await client().send(push.topic, [refused]);
    expect(outcome).toEqual({ token: refused.token, status: 'bad-token' });
    const seen = fake.pushes.filter((p) => p.token === refused.token).map((p) => [p.status, p.reason]);
    expect(seen).toEqual([[400, 'BadDeviceToken']]);
  });

  it('retries 429 and 503 with backoff, then succeeds', async () => {
    const device = target();
    fake.failNext(429, 1, device.token);
    fake.failNext(503, 2, device.token);
    const [outcome] = await client().send(push.topic, [device]);
    expect(outcome).toMatchObject({ status: 'sent' });
    const statuses = fake.pushes.filter((p) => p.token === device.token).map((p) => p.status);
    expect(statuses).toEqual([429, 503, 503, 200]);
  });

  it('gives up on a persistent 503 as retry-later after the bounded attempts', async () => {
    const device = target();
    fake.failNext(503, 100, device.token);
    const [outcome] = await client().send(push.topic, [device]);
    expect(outcome).toEqual({ token: device.token, status: 'retry-later', reason: 'ServiceUnavailable' });
    expect(fake.pushes.filter((p) => p.token === device.token)).toHaveLength(fastBackoff.maxAttempts);
  });

  it('keeps no more streams in flight than configured', async () => {
    fake.setDelay(20);
    fake.resetMaxInFlight();
    const targets = Array.from({ length: 40 }, () => target());
    const outcomes = await client({ maxConcurrentStreams: 4 }).send(push.topic, targets);
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(fake.maxInFlight).toBeLessThanOrEqual(4);
    // The bound is a bound, not serialisation.
    expect(fake.maxInFlight).toBeGreaterThanOrEqual(2);
  });

  it('refuses to push to a topic other than the certificate UID', async () => {
    const [outcome] = await client().send('com.apple.mgmt.External.someone-else', [target()]);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'TopicDisallowed', httpStatus: 400 });
  });

  it('is refused at the TLS handshake with a client certificate from another CA', async () => {
    const stranger = createTestPushCertificate({ topic: push.topic });
    const sender = client({ credentials: () => ({ certPem: stranger.certPem, keyPem: stranger.keyPem }) });
    const seen = fake.pushes.length;
    const [outcome] = await sender.send(push.topic, [target()]);
    // Under TLS 1.3 the refusal arrives after the client's handshake, indistinguishable from a dropped connection.
    expect(outcome?.status).toBe('retry-later');
    expect(fake.pushes.length).toBe(seen);
  });

  it('fails without retrying when the server certificate is not trusted', async () => {
    const sender = client({ extraCaPem: createTestCa('Unrelated CA').certPem });
    const [outcome] = await sender.send(push.topic, [target()]);
    expect(outcome).toMatchObject({ status: 'failed', httpStatus: undefined });
    expect(outcome?.status === 'failed' && outcome.reason).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|CERT/);
  });

  it('reconnects with freshly read credentials after a 403', async () => {
    let reads = 0;
    const sender = client({
      credentials: () => {
        reads++;
        return { certPem: push.certPem, keyPem: push.keyPem };
      },
    });
    const device = target();
    fake.failNext(403, 1, device.token);
    const [refused] = await sender.send(push.topic, [device]);
    expect(refused).toMatchObject({ status: 'failed', reason: 'BadCertificate', httpStatus: 403 });
    const [sent] = await sender.send(push.topic, [device]);
    expect(sent).toMatchObject({ status: 'sent' });
    expect(reads).toBe(2);
  });

  it('reconnects after the server sends GOAWAY', async () => {
    const sender = client();
    expect((await sender.send(push.topic, [target()]))[0]?.status).toBe('sent');
    fake.goAwayAll('IdleTimeout');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const outcomes = await sender.send(push.topic, [target(), target()]);
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
  });
});
