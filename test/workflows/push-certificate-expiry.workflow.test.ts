// The scheduled push-certificate expiry check through the real Temporal and core: each warning step of the
// certificate in use is audited once (topic and dates, never the key), and a certificate far from expiry is not.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { pushCertificateExpiryWorkflow } from '../../workflows/push-certificate-expiry.workflow.js';
import { useTestPlanes } from '../support/test-context.js';

const DAY = 86_400_000;

describe('push certificate expiry check', () => {
  const planes = useTestPlanes();
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
});
