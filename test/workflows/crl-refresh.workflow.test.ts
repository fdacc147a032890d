// The CRL exists before any revocation, is refreshed before nextUpdate by the crl-refresh schedule, and drops the
// entries of expired certificates: two edge workers, the real Temporal and the core CA.
import { executeAsAdmin } from '../support/execute-as-admin.js';
import { randomUUID, X509Certificate } from 'node:crypto';
import { sql } from 'kysely';
import type { AuthorityKeyIdentifier } from 'pkijs';
import { Certificate, CertificateRevocationList } from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { startCoreWorker } from '../../activities/core-worker.js';
import { createCaRolloverActivities } from '../../activities/pki/ca-rollover.activities.js';
import { crlRefreshScheduleId } from '../../activities/pki/crl-refresh.schedule.js';
import { subjectKeyIdOf } from '../../core/pki/certificate-authority.js';
import { coreProcessConfig } from '../../core/config/config.schema.js';
import { loadConfig } from '../../core/config/load-config.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { eventually } from '../support/apple-requests.js';
import { createTestDatabase } from '../support/db.js';
import { keepIdentities } from '../support/keep-identity.js';
import { testStack } from '../support/stack.js';
import type { TestEdge } from '../support/planes.js';
import { useTestPlanes } from '../support/test-context.js';

interface ServedCrl {
  /** The signing CA's key identifier (the CRL's authorityKeyIdentifier), hex. */
  issuerKeyId: string;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Revoked serials, lower-case hex without leading zeros (as `core.certificates.serial_hex`). */
  serials: string[];
}

async function servedCrl(edge: Pick<TestEdge, 'edgeApp'>, path = '/pki/crl'): Promise<ServedCrl> {
  const res = await edge.edgeApp.request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pkix-crl');
  const crl = CertificateRevocationList.fromBER(new Uint8Array(await res.arrayBuffer()));
  const aki = crl.crlExtensions?.extensions.find((ext) => ext.extnID === '2.5.29.35')?.parsedValue as
    AuthorityKeyIdentifier | undefined;
  return {
    issuerKeyId: aki?.keyIdentifier
      ? Buffer.from(aki.keyIdentifier.valueBlock.valueHexView).toString('hex')
      : '',
    thisUpdate: crl.thisUpdate.value,
    nextUpdate: crl.nextUpdate!.value,
    serials: (crl.revokedCertificates ?? []).map((entry) =>
      Buffer.from(entry.userCertificate.valueBlock.valueHexView).toString('hex').replace(/^0+/, ''),
    ),
  };
}

describe('the CRL', () => {
  const planes = useTestPlanes({ secondEdge: true });
  let edges: Array<Pick<TestEdge, 'edgeApp'>>;
  beforeAll(() => {
    edges = [planes, planes.secondEdge!];
  });

  const refresh = () =>
    planes.temporal.workflow.execute('crlRefreshWorkflow', {
      workflowId: `${workflowIds.crlRefresh(planes.coreConfig.core.taskQueue)}-${randomUUID()}`,
      taskQueue: planes.coreConfig.core.taskQueue,
      args: [],
    });

  it('is served by every edge of a fresh stack before any revocation, empty', async () => {
    for (const edge of edges) {
      const crl = await servedCrl(edge);
      expect(crl.serials).toEqual([]);
      expect(crl.nextUpdate.getTime()).toBeGreaterThan(Date.now());
    }
  });

  it('is republished with a later thisUpdate and nextUpdate on every edge when refreshed', async () => {
    const before = await servedCrl(planes);
    // X.509 times have one-second resolution: let the clock pass the last CRL's second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await refresh();
    for (const edge of edges) {
      const after = await servedCrl(edge);
      expect(after.thisUpdate.getTime()).toBeGreaterThan(before.thisUpdate.getTime());
      expect(after.nextUpdate.getTime()).toBeGreaterThan(before.nextUpdate.getTime());
    }
  });

  it('drops the entry of an expired certificate on refresh and keeps a live revoked one', async () => {
    const identities = keepIdentities(planes);
    const [expiring, live] = [await identities.enroll(), await identities.enroll()];
    const serialOf = async (fingerprint: string) =>
      (
        await planes.database.core.db
          .selectFrom('certificates')
          .select('serial_hex')
          .where('sha256_fingerprint', '=', fingerprint)
          .executeTakeFirstOrThrow()
      ).serial_hex.replace(/^0+/, '');
    for (const identity of [expiring, live]) {
      await executeAsAdmin(planes, 'revocationWorkflow', workflowIds.revocation(randomUUID()), {
        fingerprint: identity.fingerprint,
        reason: 'keyCompromise',
      });
    }
    const [expiringSerial, liveSerial] = [
      await serialOf(expiring.fingerprint),
      await serialOf(live.fingerprint),
    ];
    // A revocation publishes at once, with both entries.
    expect((await servedCrl(planes)).serials).toEqual(expect.arrayContaining([expiringSerial, liveSerial]));

    await planes.database.core.db
      .updateTable('certificates')
      .set({ not_after: sql<Date>`now() - interval '1 hour'` })
      .where('sha256_fingerprint', '=', expiring.fingerprint)
      .execute();
    await refresh();
    for (const edge of edges) {
      const { serials } = await servedCrl(edge);
      expect(serials).toContain(liveSerial);
      expect(serials).not.toContain(expiringSerial);
    }
  });

  it('is served per issuing CA on every edge after a rollover, each signed by its own CA', async () => {
    const { db } = planes.database.core;
    const issuingKeyId = async () => {
      const row = await db
        .selectFrom('ca_keys')
        .select('certificate_pem')
        .where('purpose', '=', 'issuing')
        .where('active', '=', true)
        .executeTakeFirstOrThrow();
      return subjectKeyIdOf(Certificate.fromBER(new X509Certificate(row.certificate_pem).raw)).toString(
        'hex',
      );
    };
    const oldKeyId = await issuingKeyId();
    const revokedOld = await keepIdentities(planes).enroll();
    await executeAsAdmin(planes, 'revocationWorkflow', workflowIds.revocation(randomUUID()), {
      fingerprint: revokedOld.fingerprint,
      reason: 'keyCompromise',
    });
    const rollover = createCaRolloverActivities({
      db,
      keyRing: KeyRing.parse(planes.coreConfig.core.secretKeys),
      pki: { organization: 'Keep' },
      crlUrl: 'https://edge.example/pki/crl',
    });
    const rolloverId = randomUUID();
    await rollover.introduceIssuingCa({ rolloverId });
    await rollover.activateIssuingCa({ rolloverId });
    const newKeyId = await issuingKeyId();
    await refresh();
    const { serial_hex } = await db
      .selectFrom('certificates')
      .select('serial_hex')
      .where('sha256_fingerprint', '=', revokedOld.fingerprint)
      .executeTakeFirstOrThrow();
    for (const edge of edges) {
      const oldCrl = await servedCrl(edge, `/pki/crl/${oldKeyId}`);
      const newCrl = await servedCrl(edge, `/pki/crl/${newKeyId}`);
      expect(oldCrl.issuerKeyId).toBe(oldKeyId);
      expect(newCrl.issuerKeyId).toBe(newKeyId);
      expect(oldCrl.serials).toContain(serial_hex.replace(/^0+/, ''));
      expect(newCrl.serials).toEqual([]);
      // The URL certificates from before per-CA URLs name keeps serving the CA that issued them.
      expect((await servedCrl(edge)).issuerKeyId).toBe(oldKeyId);
      expect((await edge.edgeApp.request('/pki/crl/00ff')).status).toBe(404);
    }
  });

  it('is refreshed by the crl-refresh schedule the core worker creates at start', async () => {
    const schedule = await planes.temporal.schedule
      .getHandle(crlRefreshScheduleId(planes.coreConfig.core.taskQueue))
      .describe();
    expect(schedule.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'crlRefreshWorkflow',
      taskQueue: planes.coreConfig.core.taskQueue,
    });
    expect(schedule.spec.intervals?.[0]?.every).toBe(planes.coreConfig.core.crlRefreshHours * 3_600_000);
    expect(schedule.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  });
});

describe('the core worker', () => {
  it('publishes a CRL at first start, even while no edge has been provisioned', async () => {
    const stack = testStack();
    const database = await createTestDatabase(stack);
    const suffix = randomUUID();
    const config = loadConfig(coreProcessConfig, {
      env: {
        KEEP_DATABASE_URL: database.coreUrl,
        KEEP_TEMPORAL_ADDRESS: stack.temporalAddress,
        KEEP_TEMPORAL_NAMESPACE: stack.temporalNamespace,
        KEEP_TEMPORAL_PAYLOAD_KEYS: stack.payloadKeys,
        KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('secret-test'),
        KEEP_CORE_TASK_QUEUE: `core-${suffix}`,
        // No worker polls this edge queue: provisioning waits, so only the first-start publication can write.
        KEEP_CORE_EDGE_TASK_QUEUES: `edge-${suffix}`,
      },
    });
    expect(await database.core.db.selectFrom('crl_state').select('number').execute()).toEqual([]);
    const core = await startCoreWorker(config, stack.workflowBundle);
    try {
      const crl = await eventually(() =>
        database.core.db.selectFrom('crl_state').select(['der', 'next_update']).executeTakeFirst(),
      );
      expect(crl.der.length).toBeGreaterThan(0);
      expect(crl.next_update.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await core.close();
      await database.drop();
    }
  });
});
