// Root rollover end to end: a simulated Mac enrolled through the real edge (HTTPS on loopback), Temporal and the
// core. A rollover for a CA whose root key Keep does not hold is refused naming what is needed; with the key, the
// rollover stores a successor root with the old root's cross-certificate, installs the new root on the device as a
// trust profile (proven by its ProfileList) before anything issues under it, publishes both roots and the
// cross-certificate to the edge, issues from an issuing CA under the new root, and the device renews onto it. openssl then checks the chain the edge serves:
// the new identity chains to the new root, and — for a device without the new root — to the old root alone.
import { randomUUID, X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { rootTrustIdentifier } from '../../core/apple/root-trust-profile.js';
import { derToPem, pemBlocks } from '../../core/pki/pem.js';
import { scratch } from '../core/pki/openssl.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { workflowIds } from '../../core/temporal/task-queues.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 180_000;

describe('root rollover', { timeout: 600_000 }, () => {
  const { planes, enroll, api } = useAppleE2e({ waitMs: WAIT_MS });
  const device = new SimulatedAppleDevice({ kind: 'mac' });
  const away = new SimulatedAppleDevice({ kind: 'mac' });
  const s = scratch();

  afterAll(() => {
    device.close();
    away.close();
    s.remove();
  });

  const roots = () =>
    planes.database.core.db
      .selectFrom('ca_keys')
      .select(['id', 'certificate_pem', 'sealed_private_key', 'state', 'active', 'cross_certificate_pem'])
      .where('purpose', '=', 'root')
      .orderBy('created_at')
      .execute();

  it('refuses a new root without the root key, naming what is needed; nothing starts', async () => {
    const [root] = await roots();
    // The state an imported CA leaves: the root's certificate stored, its key not.
    const db = planes.database.core.db;
    await db.updateTable('ca_keys').set({ sealed_private_key: null }).where('id', '=', root!.id).execute();
    try {
      const refused = await api('POST', '/v1/pki/ca-rollovers', { newRoot: true });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toMatch(
        /newRoot: Keep does not hold the root CA key.*Import the root key/,
      );
    } finally {
      await db
        .updateTable('ca_keys')
        .set({ sealed_private_key: root!.sealed_private_key })
        .where('id', '=', root!.id)
        .execute();
    }
    expect(await roots()).toHaveLength(1);
  });

  it('moves issuance under a new root; identities chain to it, and through the cross-certificate to the old root', async () => {
    await enroll(device);
    const [oldRoot] = await roots();
    const started = await api('POST', '/v1/pki/ca-rollovers', {
      newRoot: true,
      trustedShare: 1,
      batchSize: 10,
      checkIntervalSeconds: 1,
      askAgainAfterMinutes: 1,
      deadlineDays: 1,
    });
    expect(started.status).toBe(202);
    const id = started.body.rolloverId as string;
    const done = await eventually(async () => {
      const progress = await api('GET', `/v1/pki/ca-rollovers/${id}`);
      return progress.body.phase === 'completed' ? progress.body : undefined;
    }, WAIT_MS);
    expect(done).toMatchObject({
      remaining: 0,
      deadlinePassed: false,
      rootTrust: { enrolled: 1, trusted: 1, asked: expect.any(Number) },
    });

    // The successor is the active root, carrying its cross-certificate; the old root stays trusted, retiring.
    const [old, successor] = await roots();
    expect(old).toMatchObject({ id: oldRoot!.id, state: 'retiring', active: false });
    expect(successor).toMatchObject({ state: 'active', active: true });
    const newRoot = new X509Certificate(successor!.certificate_pem);
    const cross = new X509Certificate(successor!.cross_certificate_pem!);
    const previous = new X509Certificate(old!.certificate_pem);
    expect(newRoot.subject).toBe(previous.subject);
    expect(cross.checkIssued(previous) && cross.verify(previous.publicKey)).toBe(true);

    // The device holds the new root as a trust profile, the one its ProfileList proved.
    const trustProfile = device.state.profiles.get(rootTrustIdentifier(newRoot.raw));
    expect(trustProfile?.payloads).toEqual([
      expect.objectContaining({
        PayloadType: 'com.apple.security.root',
        PayloadContent: new Uint8Array(newRoot.raw),
      }),
    ]);

    // The edge serves (GetCACert, issued identities' chain) the cross-certificate and both roots.
    const chain = await eventually(async () => {
      const current = planes.trust.chain();
      return current.some((der) => der.equals(cross.raw)) ? current : undefined;
    }, WAIT_MS);
    for (const der of [newRoot.raw, previous.raw]) expect(chain.some((c) => c.equals(der))).toBe(true);

    expect(device.identityRenewals).toBe(1);
    await device.runSession();
    expect((await device.tokenUpdate()).status).toBe(200);
    s.write('leaf.pem', derToPem(device.identity!.certificate, 'CERTIFICATE'));
    s.write('served.pem', chain.map((der) => derToPem(der, 'CERTIFICATE')).join(''));
    s.write('new-root.pem', successor!.certificate_pem);
    s.write('old-root.pem', derToPem(pemBlocks(old!.certificate_pem, 'CERTIFICATE')[0]!, 'CERTIFICATE'));
    const verify = (anchor: string) =>
      s.openssl('verify', '-x509_strict', '-CAfile', anchor, '-untrusted', 'served.pem', 'leaf.pem');
    // A device with the new root's trust profile, and one that has only the old root, both accept it.
    expect(verify('new-root.pem')).toContain('leaf.pem: OK');
    expect(verify('old-root.pem')).toContain('leaf.pem: OK');
  });

  it('retires the old root at the CRL refresh after its last certificate expired; the edge serves it no more', async () => {
    const db = planes.database.core.db;
    const refresh = () =>
      planes.temporal.workflow.execute('crlRefreshWorkflow', {
        workflowId: `${workflowIds.crlRefresh(planes.coreConfig.core.taskQueue)}-${randomUUID()}`,
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [],
      });
    const [old, successor] = await roots();
    const cross = new X509Certificate(successor!.cross_certificate_pem!).raw;
    const oldRoot = new X509Certificate(old!.certificate_pem).raw;

    // While a certificate under the old root lives, the refresh keeps it.
    await refresh();
    expect((await roots())[0]).toMatchObject({ state: 'retiring' });
    expect(planes.trust.chain().some((der) => der.equals(oldRoot))).toBe(true);

    // Short validity, as if time had passed: every certificate the old issuing CA issued has expired.
    const oldIssuing = await db
      .selectFrom('ca_keys')
      .select('certificate_pem')
      .where('purpose', '=', 'issuing')
      .where('state', '=', 'retired')
      .execute();
    expect(oldIssuing).toHaveLength(1);
    const newIssuing = await db
      .selectFrom('ca_keys')
      .select('certificate_pem')
      .where('purpose', '=', 'issuing')
      .where('state', '=', 'active')
      .executeTakeFirstOrThrow();
    const fromNewCa = (der: Buffer) => {
      const ca = new X509Certificate(newIssuing.certificate_pem);
      const certificate = new X509Certificate(der);
      return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
    };
    const live = await db.selectFrom('certificates').select(['serial_hex', 'der']).execute();
    const expired = live.filter((row) => !fromNewCa(row.der)).map((row) => row.serial_hex);
    await db
      .updateTable('certificates')
      .set({ not_after: new Date(Date.now() - 1000) })
      .where('serial_hex', 'in', expired)
      .execute();

    await refresh();
    const [retired] = await roots();
    expect(retired).toMatchObject({ id: old!.id, state: 'retired', active: false, sealed_private_key: null });
    // GetCACert and the chain handed out with identities: neither the old root nor its cross-certificate.
    const chain = await eventually(async () => {
      const current = planes.trust.chain();
      return current.some((der) => der.equals(oldRoot)) ? undefined : current;
    }, WAIT_MS);
    expect(chain.some((der) => der.equals(cross))).toBe(false);
    expect(chain.some((der) => der.equals(new X509Certificate(successor!.certificate_pem).raw))).toBe(true);
    // The device, on its identity under the new root, keeps checking in.
    expect((await device.tokenUpdate()).status).toBe(200);
  });

  it('pauses itself past trustDeadlineMinutes, naming the devices that lack the new root; resuming goes on', async () => {
    await enroll(away);
    away.goOffline();
    const started = await api('POST', '/v1/pki/ca-rollovers', {
      newRoot: true,
      trustedShare: 1,
      trustDeadlineMinutes: 0.05,
      batchSize: 10,
      checkIntervalSeconds: 1,
      askAgainAfterMinutes: 1,
      deadlineDays: 0.0001,
    });
    expect(started.status).toBe(202);
    const id = started.body.rolloverId as string;
    const progress = async () => (await api('GET', `/v1/pki/ca-rollovers/${id}`)).body;
    const paused = await eventually(async () => {
      const body = await progress();
      return body.paused ? body : undefined;
    }, WAIT_MS);
    expect(paused).toMatchObject({ phase: 'trusting', rootTrust: { enrolled: 2 } });
    expect(paused.pausedReason).toMatch(
      /^trustDeadlineMinutes passed: [12] of 2 enrolled Apple devices lack the new root/,
    );
    // It stays there: nothing is issued under the new root while paused.
    expect((await roots()).filter((row) => row.state === 'next')).toHaveLength(1);

    const resumed = await api('POST', `/v1/pki/ca-rollovers/${id}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.body.pausedReason).toBeUndefined();
    const done = await eventually(async () => {
      const body = await progress();
      return body.phase === 'completed' ? body : undefined;
    }, WAIT_MS);
    expect(done).toMatchObject({ paused: false });
    expect((await roots()).filter((row) => row.state === 'active')).toHaveLength(1);
  });
});
