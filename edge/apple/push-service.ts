// Wakes devices: looks up their push token, coalesces pushes per device, sends over APNs, disables tokens APNs refuses.
import { edgeMetrics } from '../edge-metrics.js';
import type { Kysely } from 'kysely';
import { createApnsClient } from './push/apns-client.js';
import { createPushCoalescer, type PushCoalescer } from './push/push-coalescer.js';
import type { PushOutcome } from './push/push-sender.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { Logger } from '../../core/log/logger.js';
import { disablePush, findEnrollmentsByIds } from './enrollment.repository.js';
import { findUserChannel } from './user-channel.repository.js';

export interface PushServiceOptions {
  db: Kysely<EdgeDatabase>;
  keyRing: KeyRing;
  apnsUrl: string;
  extraCaPem?: string;
  windowMs?: number;
  log: Logger;
}

export interface PushService {
  /** One outcome per enrollment: `skipped` when it has no usable token. */
  wake(enrollmentIds: readonly string[]): Promise<Array<PushOutcome['status'] | 'skipped'>>;
  /** Wakes one macOS user's channel (its own token from the user's TokenUpdate) on the enrollment's topic. */
  wakeUser(enrollmentId: string, userId: string): Promise<PushOutcome['status'] | 'skipped'>;
  installCertificate(cert: { topic: string; certPem: string; keyPem: string; notAfter: Date }): Promise<void>;
  close(): Promise<void>;
}

const aad = (topic: string) => Buffer.from(`edge.push_certificates:${topic}`);

export function createPushService(options: PushServiceOptions): PushService {
  const sender = createApnsClient({
    baseUrl: options.apnsUrl,
    ...(options.extraCaPem ? { extraCaPem: options.extraCaPem } : {}),
    credentials: async (topic) => {
      const row = await options.db
        .selectFrom('push_certificates')
        .selectAll()
        .where('topic', '=', topic)
        .executeTakeFirst();
      if (!row) throw new Error(`no push certificate for topic ${topic}`);
      return {
        certPem: row.cert_pem,
        keyPem: options.keyRing.openString(row.sealed_key, aad(topic)).toString(),
      };
    },
  });
  const coalescer: PushCoalescer = createPushCoalescer({ sender, windowMs: options.windowMs ?? 20 });
  return {
    async wake(enrollmentIds) {
      const rows = await findEnrollmentsByIds(options.db, enrollmentIds);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return Promise.all(
        enrollmentIds.map(async (id) => {
          const row = byId.get(id);
          if (
            !row?.push_token ||
            !row.push_magic ||
            !row.topic ||
            row.push_disabled_at ||
            row.status !== 'enrolled'
          ) {
            return 'skipped' as const;
          }
          const outcome = await coalescer.request(row.topic, {
            token: row.push_token.toString('hex'),
            pushMagic: row.push_magic,
          });
          // 410 (Unregistered, ExpiredToken) and 400 BadDeviceToken both mean this token will never work for
          // the topic: stop pushing it until the device sends a new TokenUpdate.
          if (outcome.status === 'unregistered' || outcome.status === 'bad-token') {
            const at = outcome.status === 'unregistered' ? outcome.timestamp : undefined;
            await disablePush(options.db, row.id, row.push_token, new Date(at ?? Date.now()));
            options.log.info(
              { enrollmentId: row.id, apns: outcome.status },
              'push token disabled until the device sends a new TokenUpdate',
            );
          }
          edgeMetrics.pushes.inc({ platform: 'apple', outcome: outcome.status });
          return outcome.status;
        }),
      );
    },
    async wakeUser(enrollmentId, userId) {
      const [row] = await findEnrollmentsByIds(options.db, [enrollmentId]);
      const channel = row && (await findUserChannel(options.db, enrollmentId, userId));
      if (!row?.topic || row.status !== 'enrolled' || !channel) return 'skipped';
      const outcome = await coalescer.request(row.topic, {
        token: channel.push_token.toString('hex'),
        pushMagic: channel.push_magic,
      });
      edgeMetrics.pushes.inc({ platform: 'apple', outcome: outcome.status });
      return outcome.status;
    },
    async installCertificate(cert) {
      const sealed = options.keyRing.sealToString(Buffer.from(cert.keyPem), aad(cert.topic));
      await options.db
        .insertInto('push_certificates')
        .values({ topic: cert.topic, cert_pem: cert.certPem, sealed_key: sealed, not_after: cert.notAfter })
        .onConflict((oc) =>
          oc.column('topic').doUpdateSet({
            cert_pem: cert.certPem,
            sealed_key: sealed,
            not_after: cert.notAfter,
            installed_at: new Date(),
          }),
        )
        .execute();
      sender.renewCredentials(cert.topic);
    },
    close: () => coalescer.close(),
  };
}
