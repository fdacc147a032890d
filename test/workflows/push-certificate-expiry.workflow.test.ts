// The scheduled push-certificate expiry check through the real Temporal and core: each warning step of the
// certificate in use is audited once (topic and dates, never the key) and told once to a signed-webhook receiver
// on 127.0.0.1, and a certificate far from expiry is neither.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../activities/webhook/signed-webhook.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { pushCertificateExpiryWorkflow } from '../../workflows/push-certificate-expiry.workflow.js';
import { useTestPlanes } from '../support/test-context.js';

const DAY = 86_400_000;
const SECRET = 'a push-certificate webhook secret of 32+ characters';

interface Heard {
  id: string;
  event: string;
  pushCertificateId: string;
  topic: string;
  daysLeft: number;
  warning: string;
}

describe('push certificate expiry check', () => {
  const heard: Heard[] = [];
  let receiver: Server;
  let url = '';
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const signature = String(req.headers['keep-signature']);
        const t = Number(/^t=(\d+),/.exec(signature)?.[1]);
        // Checked as any receiver would: recomputed over "<t>.<body>" with the shared secret.
        if (signature !== webhookSignature(SECRET, body, new Date(t * 1000))) {
          res.writeHead(401).end();
          return;
        }
        heard.push(JSON.parse(body) as Heard);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/keep`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  const planes = useTestPlanes(() => ({
    coreEnv: { KEEP_CORE_PUSH_EXPIRY_WEBHOOK_URLS: url, KEEP_CORE_PUSH_EXPIRY_WEBHOOK_SECRET: SECRET },
  }));
  const db = () => planes.database.core.db;
  const check = () =>
    planes.temporal.workflow.execute<typeof pushCertificateExpiryWorkflow>('pushCertificateExpiryWorkflow', {
      workflowId: `${workflowIds.pushCertificateExpiry(planes.coreConfig.core.taskQueue)}-test-${randomUUID()}`,
      taskQueue: planes.coreConfig.core.taskQueue,
    });
  async function imported(expiresInMs: number): Promise<{ id: string; topic: string }> {
    const id = randomUUID();
    const topic = `com.apple.mgmt.External.${randomUUID()}`;
    await db()
      .insertInto('push_certificates')
      .values({
        id,
        topic,
        serial_number: '01',
        common_name: null,
        not_before: new Date(Date.now() - DAY),
        not_after: new Date(Date.now() + expiresInMs),
        cert_pem: '-----BEGIN CERTIFICATE-----',
        sealed_key: 'sealed-key-never-shown',
        uploaded_by: 'test',
      })
      .execute();
    return { id, topic };
  }
  const warnings = (id: string) =>
    db()
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('action', '=', 'push-certificate.expiry-warning')
      .where('target_id', '=', id)
      .execute();

  it('audits each warning step of the certificate in use once, with topic and dates only', async () => {
    const far = await imported(90 * DAY);
    expect(await check()).toMatchObject({ id: far.id, warning: 'none', recorded: false });
    expect(await warnings(far.id)).toEqual([]);

    const soon = await imported(5 * DAY + 60_000);
    expect(await check()).toMatchObject({
      id: soon.id,
      topic: soon.topic,
      daysLeft: 5,
      warning: '7-days',
      recorded: true,
    });
    expect(await check()).toMatchObject({ id: soon.id, warning: '7-days', recorded: false });
    const rows = await warnings(soon.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe('keep');
    expect(Object.keys(rows[0]!.details).sort()).toEqual(['daysLeft', 'expiresAt', 'topic', 'warning']);
    expect(JSON.stringify(rows[0]!.details)).not.toContain('sealed');
  });

  it('tells the webhook receivers each warning step once, signed, with topic and dates only', async () => {
    const certificate = await imported(20 * DAY + 60_000);
    const told = () => heard.filter((h) => h.pushCertificateId === certificate.id);
    expect(await check()).toMatchObject({ warning: '30-days', recorded: true });
    expect(await check()).toMatchObject({ warning: '30-days', recorded: false });
    await db()
      .updateTable('push_certificates')
      .set({ not_after: new Date(Date.now() + 12 * 3_600_000) })
      .where('id', '=', certificate.id)
      .execute();
    expect(await check()).toMatchObject({ warning: '1-day', recorded: true });
    expect(await check()).toMatchObject({ warning: '1-day', recorded: false });
    expect(told().map((h) => [h.id, h.event, h.warning, h.topic])).toEqual([
      [`${certificate.id}:30-days`, 'push-certificate.expiring', '30-days', certificate.topic],
      [`${certificate.id}:1-day`, 'push-certificate.expiring', '1-day', certificate.topic],
    ]);
    expect(Object.keys(told()[0]!).sort()).toEqual(
      ['daysLeft', 'event', 'expiresAt', 'id', 'pushCertificateId', 'topic', 'warning'].sort(),
    );
  });
});
