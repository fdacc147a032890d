import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { createLogger } from '../../../core/log/logger.js';
import { bindOnAuthenticate, updatePushToken } from '../../../edge/apple/enrollment.repository.js';
import { createPushService, type PushService } from '../../../edge/apple/push-service.js';
import { createFakeApns, type FakeApns, type RunningFakeApns } from '../../fakes/apns/fake-apns.js';
import { createTestPushCertificate } from '../../support/push-cert.js';
import { createTestCa } from '../../support/test-ca.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('the edge push service', () => {
  const ca = createTestCa('Keep Test Push CA');
  const cert = createTestPushCertificate({ ca });
  const lines: string[] = [];
  const database = useTestDatabase();
  let fake: FakeApns;
  let running: RunningFakeApns;
  let push: PushService;

  beforeAll(async () => {
    fake = createFakeApns({ clientCaPem: ca.certPem });
    running = await fake.start();
    push = createPushService({
      db: database.edge.db,
      keyRing: KeyRing.parse(KeyRing.generateSpec('push-test')),
      apnsUrl: running.url,
      extraCaPem: running.caPem,
      log: createLogger('test', 'info', { write: (line: string) => void lines.push(line) }),
    });
    await push.installCertificate({ ...cert, notAfter: new Date(Date.now() + 86_400_000) });
  });
  afterAll(async () => {
    await push?.close();
    await running?.close();
  });

  async function enrolledDevice(): Promise<{ enrollmentId: string; token: Buffer }> {
    const enrollmentId = randomUUID();
    await bindOnAuthenticate(database.edge.db, {
      udid: `PUSH-${randomUUID()}`,
      kind: 'device',
      fingerprint: randomBytes(32).toString('hex'),
      topic: cert.topic,
      enrollmentId,
      newDeviceId: randomUUID(),
    });
    const token = randomBytes(32);
    await updatePushToken(database.edge.db, enrollmentId, {
      topic: cert.topic,
      pushToken: token,
      pushMagic: randomUUID(),
    });
    return { enrollmentId, token };
  }

  const pushesTo = (token: Buffer) => fake.pushes.filter((p) => p.token === token.toString('hex')).length;

  it('stops pushing a token APNs answers BadDeviceToken until a new TokenUpdate, and logs it without the token', async () => {
    const { enrollmentId, token } = await enrolledDevice();
    fake.rejectToken(token.toString('hex'));
    expect(await push.wake([enrollmentId])).toEqual(['bad-token']);
    const row = await database.edge.db
      .selectFrom('apple_enrollments')
      .select('push_disabled_at')
      .where('id', '=', enrollmentId)
      .executeTakeFirstOrThrow();
    expect(row.push_disabled_at).toBeInstanceOf(Date);
    const logged = lines.filter((line) => line.includes(enrollmentId));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 30, enrollmentId, apns: 'bad-token' });
    expect(lines.join('\n')).not.toContain(token.toString('hex'));

    expect(await push.wake([enrollmentId])).toEqual(['skipped']);
    expect(pushesTo(token)).toBe(1);

    const renewed = randomBytes(32);
    await updatePushToken(database.edge.db, enrollmentId, {
      topic: cert.topic,
      pushToken: renewed,
      pushMagic: randomUUID(),
    });
    expect(await push.wake([enrollmentId])).toEqual(['sent']);
  });

  it('disables an unregistered (410) token the same way, at the time APNs gives', async () => {
    const { enrollmentId, token } = await enrolledDevice();
    fake.unregister(token.toString('hex'), 1_700_000_000_000);
    expect(await push.wake([enrollmentId])).toEqual(['unregistered']);
    const row = await database.edge.db
      .selectFrom('apple_enrollments')
      .select('push_disabled_at')
      .where('id', '=', enrollmentId)
      .executeTakeFirstOrThrow();
    expect(row.push_disabled_at?.getTime()).toBe(1_700_000_000_000);
    expect(lines.some((line) => line.includes(enrollmentId) && line.includes('unregistered'))).toBe(true);
  });
});
