// SCEP RA rotation through the real Temporal, core and edge: the scheduled workflow gives the edge's RA a new key
// (made at the edge) and certificate before the old one expires; the edge and a replica on the same database serve
// the new one without a restart, GetCACert publishes both during the overlap, and a device that fetched the old RA
// certificate before the rotation still enrols with it, answered under the old RA.
import { createPublicKey, randomUUID, X509Certificate } from 'node:crypto';
import { parseCaCertResponse, selectRecipient } from '../../../core/scep/ca-cert.js';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { workflowIds } from '../../../core/temporal/task-queues.js';
import { createRaState, type RaState } from '../../../edge/scep/ra-state.js';
import type { raRotationWorkflow } from '../../../workflows/ra-rotation.workflow.js';
import { ScepClient } from '../../sim/scep/scep-client.js';
import { eventually } from '../../support/apple-requests.js';
import { keepIdentities } from '../../support/keep-identity.js';
import { useTestPlanes } from '../../support/test-context.js';

describe('SCEP RA rotation', () => {
  const planes = useTestPlanes();
  let replica: RaState | undefined;
  afterAll(() => replica?.close());

  const rotate = (renewWithinDays: number) =>
    planes.temporal.workflow.execute<typeof raRotationWorkflow>('raRotationWorkflow', {
      workflowId: `${workflowIds.raRotation(planes.coreConfig.core.taskQueue)}-test-${randomUUID()}`,
      taskQueue: planes.coreConfig.core.taskQueue,
      args: [{ renewWithinDays }],
    });

  it('rotates the RA to a new key before expiry, served without a restart; the old RA stays usable', async () => {
    const edgeTaskQueue = planes.edgeConfig.edge.taskQueue;
    const old = planes.ra.credentials()!.certificate;
    // Another edge process on the same database, which the rotation does not talk to.
    replica = await createRaState(
      planes.database.edge.db,
      KeyRing.parse(planes.edgeConfig.edge.secretKeys),
      50,
    );
    const oldCaCert = Buffer.from(
      await (await planes.edgeApp.request('/scep?operation=GetCACert')).arrayBuffer(),
    );

    // Not due within the default 30 days of a 365-day certificate: nothing renewed.
    expect(await rotate(30)).toEqual({ renewed: [] });
    expect(planes.ra.credentials()!.certificate.equals(old)).toBe(true);

    // A window longer than the certificate's validity makes it due now (a short validity, without waiting).
    expect(await rotate(400)).toEqual({ renewed: [edgeTaskQueue] });
    const renewed = planes.ra.credentials()!.certificate;
    expect(renewed.equals(old)).toBe(false);
    const [was, now] = [new X509Certificate(old), new X509Certificate(renewed)];
    expect(now.serialNumber).not.toBe(was.serialNumber);
    expect(now.publicKey.equals(was.publicKey)).toBe(false);
    expect(Date.parse(now.validTo)).toBeGreaterThanOrEqual(Date.parse(was.validTo));
    // The new key never left the edge: the edge holds it, sealed, and the old key beside the old certificate.
    const stored = await planes.database.edge.db
      .selectFrom('scep_ra')
      .select(['sealed_key', 'previous_sealed_key', 'next_sealed_key'])
      .executeTakeFirstOrThrow();
    expect(stored.previous_sealed_key).not.toBeNull();
    expect(stored.next_sealed_key).toBeNull();
    expect(createPublicKey(planes.ra.credentials()!.key).equals(now.publicKey)).toBe(true);

    const served = Buffer.from(
      await (await planes.edgeApp.request('/scep?operation=GetCACert')).arrayBuffer(),
    );
    // Both published during the overlap, the new one first (the one a client takes).
    const published = parseCaCertResponse('application/x-x509-ca-ra-cert', served);
    expect(published.filter((der) => !new X509Certificate(der).ca)).toEqual([renewed, old]);
    expect(selectRecipient(published).equals(renewed)).toBe(true);
    await eventually(async () => (replica!.credentials()?.certificate.equals(renewed) ? true : undefined));

    // A device still holding the old GetCACert answer encrypts to the old RA certificate and is served.
    const enrollmentId = randomUUID();
    const { challenge } = await keepIdentities(planes).pki.createScepChallenge({
      purpose: 'device-identity',
      boundTo: { kind: 'enrollment', id: enrollmentId },
    });
    const stale = new ScepClient({
      url: `http://edge/scep/${enrollmentId}`,
      fetch: (async (url: string, init?: RequestInit) =>
        url.includes('operation=GetCACert')
          ? new Response(oldCaCert, { headers: { 'content-type': 'application/x-x509-ca-ra-cert' } })
          : planes.edgeApp.request(url, init)) as typeof fetch,
      pollIntervalMs: 50,
      maxPolls: 100,
    });
    const issued = await stale.enroll({
      subject: [{ name: 'commonName', value: `device ${enrollmentId}` }],
      challengePassword: challenge,
    });
    expect(new X509Certificate(issued.certificate).subject).toContain(enrollmentId);

    // A device that fetches GetCACert now takes the new RA and enrols with it.
    const fresh = new ScepClient({
      url: `http://edge/scep/${enrollmentId}`,
      fetch: ((url: string, init?: RequestInit) => planes.edgeApp.request(url, init)) as typeof fetch,
      pollIntervalMs: 50,
      maxPolls: 100,
    });
    const { challenge: second } = await keepIdentities(planes).pki.createScepChallenge({
      purpose: 'device-identity',
      boundTo: { kind: 'enrollment', id: enrollmentId },
    });
    const again = await fresh.enroll({
      subject: [{ name: 'commonName', value: `device ${enrollmentId}` }],
      challengePassword: second,
    });
    expect(new X509Certificate(again.certificate).subject).toContain(enrollmentId);
  });
});
