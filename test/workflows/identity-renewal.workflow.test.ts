// Device identity renewal end to end: simulated Macs enrolled through the real edge (HTTPS on loopback),
// Temporal and the core; one identity is made to expire within the window, the identity-renewal workflow asks
// that device to install its enrollment profile again, the device enrols a new identity over SCEP and keeps
// checking in with it, and the old identity is then revoked and refused.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { IdentityRenewalProgress } from '../../workflows/identity-renewal.workflow.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { EncryptionCodec } from '../../core/temporal/payload-codec.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { collectPayloads, readable } from '../support/history-payloads.js';
import { eventually, signedRequest } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 120_000;

const fingerprint = (der: Buffer) => createHash('sha256').update(der).digest('hex');

describe('device identity renewal', { timeout: 600_000 }, () => {
  const { planes, enroll, api } = useAppleE2e({ waitMs: WAIT_MS });
  const expiring = new SimulatedAppleDevice({ kind: 'mac' });
  const fresh = new SimulatedAppleDevice({ kind: 'mac' });

  afterAll(() => {
    for (const device of [expiring, fresh]) device.close();
  });

  const runIds: string[] = [];
  const runRenewal = () => {
    const workflowId = `${workflowIds.identityRenewal(planes.coreConfig.core.taskQueue)}-test-${randomUUID()}`;
    runIds.push(workflowId);
    return planes.temporal.workflow.execute<() => Promise<IdentityRenewalProgress>>(
      'identityRenewalWorkflow',
      {
        workflowId,
        taskQueue: planes.coreConfig.core.taskQueue,
      },
    );
  };

  it('renews an identity expiring within the window; the device keeps checking in and the old one is refused', async () => {
    const expiringId = await enroll(expiring);
    await enroll(fresh);
    const old = expiring.identity!;
    const oldFingerprint = fingerprint(old.certificate);
    const freshFingerprint = fingerprint(fresh.identity!.certificate);
    const db = planes.database.core.db;
    // The core's record says it expires tomorrow: inside the default 30-day window, due whatever the jitter.
    await db
      .updateTable('certificates')
      .set({ not_after: new Date(Date.now() + 86_400_000) })
      .where('sha256_fingerprint', '=', oldFingerprint)
      .execute();

    // The admin API lists it among the certificates expiring within 30 days; the fresh one is not.
    const soon = (await api('GET', '/v1/certificates/expiring?withinDays=30')).body.items as Array<
      Record<string, unknown>
    >;
    expect(soon.filter((c) => c.kind === 'device-identity')).toEqual([
      expect.objectContaining({ deviceId: expiringId, daysLeft: 0, renewedBy: null }),
    ]);

    const progress = await runRenewal();
    expect(progress).toEqual({ due: 1, asked: 1, notAtEdge: 0 });

    // The push wakes the device; it installs the profile again and enrols a new identity over SCEP.
    await eventually(async () => (expiring.identityRenewals === 1 ? true : undefined), WAIT_MS);
    const renewed = fingerprint(expiring.identity!.certificate);
    expect(renewed).not.toBe(oldFingerprint);
    const successor = await db
      .selectFrom('certificates')
      .selectAll()
      .where('sha256_fingerprint', '=', renewed)
      .executeTakeFirstOrThrow();
    expect(successor.renewal_of).toBe(oldFingerprint);
    expect(successor.profile).toBe('device-identity');

    // The renewal profile reached the device encrypted to its identity: whoever holds the edge's payload key
    // finds the InstallProfile (positive control) in the run's history, and not the challenge it carried.
    const [challenge] = expiring.renewalChallenges;
    expect(challenge).toBeDefined();
    const codec = new EncryptionCodec(KeyRing.parse(planes.edgeConfig.temporal.payloadKeys));
    const history = await planes.temporal.workflow.getHandle(runIds[0]!).fetchHistory();
    const seen = (await codec.decode(collectPayloads(history.events)))
      .map((p) => readable(Buffer.from(p.data ?? []).toString('utf8')))
      .join('\n');
    expect(seen).toContain('InstallProfile');
    expect(seen).not.toContain(challenge);
    // Nor does the edge's database, where the command waited for the device and its answer for the relay.
    const edge = planes.database.edge.db;
    const rows = [
      ...(await edge.selectFrom('command_queue').selectAll().execute()),
      ...(await edge.selectFrom('outbox').selectAll().execute()),
    ];
    const stored = readable(JSON.stringify(rows));
    expect(stored).toContain(expiring.udid);
    expect(stored).not.toContain(challenge);

    // Once the device has signed with the new identity, the old one is revoked as superseded.
    const revoked = await eventually(async () => {
      const row = await db
        .selectFrom('certificates')
        .select(['revoked_at', 'revocation_reason'])
        .where('sha256_fingerprint', '=', oldFingerprint)
        .executeTakeFirstOrThrow();
      return row.revoked_at ? row : undefined;
    }, WAIT_MS);
    expect(revoked.revocation_reason).toBe('superseded');

    // The device keeps checking in with its new identity...
    await expiring.runSession();
    expect((await expiring.tokenUpdate()).status).toBe(200);
    // ...and the edge refuses the old one.
    await eventually(async () => (planes.trust.isRevoked(oldFingerprint) ? true : undefined), WAIT_MS);
    const refused = await planes.edgeApp.request(
      signedRequest(
        '/mdm/connect',
        { Status: 'Idle', UDID: expiring.udid },
        { cert: old.certificate, key: old.privateKey },
      ),
    );
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe('device certificate is revoked');

    // The other device was not due: same identity, not renewed, not revoked.
    expect(fingerprint(fresh.identity!.certificate)).toBe(freshFingerprint);
    expect(fresh.identityRenewals).toBe(0);

    // The admin API shows the renewal done, and every kind of certificate with its expiry.
    const renewals = (await api('GET', '/v1/certificates/renewals')).body.items;
    expect(renewals).toEqual([
      expect.objectContaining({
        fingerprint: oldFingerprint,
        deviceId: expiringId,
        status: 'completed',
        renewedBy: renewed,
        attempts: 1,
      }),
    ]);
    const all = (await api('GET', '/v1/certificates/expiring?withinDays=36500')).body.items as Array<{
      kind: string;
    }>;
    expect(new Set(all.map((c) => c.kind))).toEqual(
      new Set(['device-identity', 'scep-ra', 'ca', 'service', 'push']),
    );
    expect((await api('GET', '/v1/certificates/expiring?withinDays=0')).status).toBe(400);

    // A second run finds nothing left to renew.
    expect(await runRenewal()).toEqual({ due: 0, asked: 0, notAtEdge: 0 });
  });
});
