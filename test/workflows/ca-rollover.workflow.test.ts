// CA rollover end to end: simulated Macs enrolled through the real edge (HTTPS on loopback), Temporal and the
// core. An admin starts a rollover; a new issuing CA is published beside the old one and issues from then on; every
// device is asked to renew (the identity-renewal path) and does, checking in throughout; the rollover is paused,
// the core worker is replaced while it is paused, and once resumed it completes and retires the old CA.
import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startCoreWorker } from '../../activities/core-worker.js';
import type { RunningWorker } from '../../runtime/run-worker.js';
import { derToPem } from '../../core/pki/pem.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { opensslVerify } from '../support/openssl-verify.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 180_000;
const FLEET = 3;

const fingerprint = (der: Buffer) => createHash('sha256').update(der).digest('hex');

describe('CA rollover', { timeout: 900_000 }, () => {
  const { planes, enroll, api } = useAppleE2e({ waitMs: WAIT_MS });
  const devices = Array.from({ length: FLEET }, () => new SimulatedAppleDevice({ kind: 'mac' }));
  let restarted: RunningWorker | undefined;

  afterAll(async () => {
    for (const device of devices) device.close();
    await restarted?.close();
  });

  const issuingCas = () =>
    planes.database.core.db
      .selectFrom('ca_keys')
      .select(['certificate_pem', 'state', 'active'])
      .where('purpose', '=', 'issuing')
      .orderBy('created_at')
      .execute();

  it('moves every device to a new issuing CA without losing contact, across a core worker restart', async () => {
    for (const device of devices) await enroll(device);
    const [oldCa] = await issuingCas();
    const oldFingerprints = devices.map((d) => fingerprint(d.identity!.certificate));

    // A bad setting is refused naming the field, an unknown rollover is 404; neither starts anything.
    const refused = await api('POST', '/v1/pki/ca-rollovers', { batchSize: 0 });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('batchSize');
    expect((await api('GET', '/v1/pki/ca-rollovers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await issuingCas()).toHaveLength(1);

    const started = await api('POST', '/v1/pki/ca-rollovers', {
      batchSize: 2,
      checkIntervalSeconds: 1,
      askAgainAfterMinutes: 1,
      deadlineDays: 1,
    });
    expect(started.status).toBe(202);
    const id = started.body.rolloverId as string;

    // Paused at once: it holds before its next phase or round, and the core worker is replaced meanwhile.
    const paused = await api('POST', `/v1/pki/ca-rollovers/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true });
    expect(paused.body.phase).not.toBe('completed');
    // Devices keep checking in while the rollover waits, whichever identity they hold.
    for (const device of devices) expect((await device.tokenUpdate()).status).toBe(200);

    planes.coreWorker.worker.shutdown();
    await planes.coreWorker.done;
    restarted = await startCoreWorker(planes.coreConfig, planes.coreConfig.core.workflowBundle);

    expect((await api('POST', `/v1/pki/ca-rollovers/${id}/resume`)).body).toMatchObject({ paused: false });
    const done = await eventually(async () => {
      const progress = await api('GET', `/v1/pki/ca-rollovers/${id}`);
      return progress.body.phase === 'completed' ? progress.body : undefined;
    }, WAIT_MS);
    expect(done).toMatchObject({ remaining: 0, notAtEdge: 0, deadlinePassed: false, paused: false });
    expect(done.asked).toBeGreaterThanOrEqual(FLEET);

    // The old CA is retired, the new one issues; the edge trusts and hands out only the new one with the root.
    const [retired, active] = await issuingCas();
    expect(retired).toMatchObject({
      certificate_pem: oldCa!.certificate_pem,
      state: 'retired',
      active: false,
    });
    expect(active).toMatchObject({ state: 'active', active: true });
    const newCa = new X509Certificate(active!.certificate_pem);
    const chain = await eventually(async () => {
      const current = planes.trust.chain();
      return current.some((der) => der.equals(newCa.raw)) && current.length === 2 ? current : undefined;
    }, WAIT_MS);
    expect(chain.some((der) => der.equals(new X509Certificate(oldCa!.certificate_pem).raw))).toBe(false);

    for (const [i, device] of devices.entries()) {
      // Each device renewed once, onto the new CA, and keeps checking in with its new identity.
      expect(device.identityRenewals).toBe(1);
      const identity = new X509Certificate(device.identity!.certificate);
      expect(fingerprint(device.identity!.certificate)).not.toBe(oldFingerprints[i]);
      expect(identity.verify(newCa.publicKey)).toBe(true);
      await device.runSession();
      expect((await device.tokenUpdate()).status).toBe(200);
      // openssl agrees: the new identity chains to the new issuing CA and the root.
      const { verdict } = opensslVerify(derToPem(device.identity!.certificate, 'CERTIFICATE'), chain);
      expect(verdict).toContain('leaf.pem: OK');
    }
    // The old identities were revoked as each device moved on.
    const oldRows = await planes.database.core.db
      .selectFrom('certificates')
      .select('revocation_reason')
      .where('sha256_fingerprint', 'in', oldFingerprints)
      .execute();
    expect(oldRows.map((r) => r.revocation_reason)).toEqual(Array(FLEET).fill('superseded'));
  });
});
